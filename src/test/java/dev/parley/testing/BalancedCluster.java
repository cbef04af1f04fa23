package dev.parley.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Parley nodes ({@code java -jar target/parley.jar}) behind nginx, started and stopped with
 * {@code scripts/cluster.sh} exactly as a developer runs them, on free loopback ports with a fresh
 * database, the event bus over mutual TLS with the scripts' development certificates. Each node is
 * its own process, so a test can kill one by its PID.
 */
public final class BalancedCluster implements AutoCloseable {

  private static final Path ROOT = Path.of("").toAbsolutePath();
  private static final Duration SCRIPT_TIMEOUT = Duration.ofSeconds(180);

  /**
   * One process that {@code cluster.sh} started, as listed in {@code $PARLEY_RUN_DIR/pids}.
   *
   * @param name {@code node0}, {@code node1} ... or {@code nginx}
   * @param pid  its process id
   * @param port the HTTP port it listens on (127.0.0.1)
   */
  public record Member(String name, long pid, int port) {

    /** The node id this node reports in {@code GET /api/v1/health} and in auth acks. */
    public String nodeId() {
      Api.Response health = new Api(port).get("/health", null);
      JsonNode node = health.body() == null ? null : health.body().get("node");
      if (node == null) {
        throw new IllegalStateException(name + " reported no node id: " + health);
      }
      return node.asText();
    }

    public boolean isAlive() {
      return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** SIGKILL: no shutdown hook runs and its sockets drop without a close frame. */
    public void kill() {
      ProcessHandle.of(pid).ifPresent(process -> {
        process.destroyForcibly();
        try {
          process.onExit().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
          throw new IllegalStateException(name + " (" + pid + ") did not die: " + e, e);
        }
      });
    }

    /** SIGTERM, as a supervisor stops it: the node drains and exits by itself. */
    public void terminate() {
      signal("TERM");
    }

    /** SIGSTOP: the process stays, holding its sockets, but answers nothing until {@link #resume}. */
    public void pause() {
      signal("STOP");
    }

    /** SIGCONT after {@link #pause}. */
    public void resume() {
      signal("CONT");
    }

    private void signal(String signal) {
      try {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
          throw new IllegalStateException("kill -" + signal + " " + pid + " failed");
        }
      } catch (IOException e) {
        throw new IllegalStateException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  private final TestDatabase database;
  private final Path runDir;
  private final int lbPort;
  private final Map<String, String> env;
  private List<Member> members = List.of();

  private BalancedCluster(TestDatabase database, Path runDir, int lbPort, Map<String, String> env) {
    this.database = database;
    this.runDir = runDir;
    this.lbPort = lbPort;
    this.env = env;
  }

  /** {@code scripts/cluster.sh up nodes} on a fresh database; returns once nginx and every node answer. */
  public static BalancedCluster up(int nodes) {
    TestDatabase database = TestDatabase.create();
    BalancedCluster cluster;
    try {
      Path runDir = Files.createTempDirectory("parley-cluster");
      // One block: the balancer, then the nodes' HTTP ports, their Hazelcast ports, their metrics ports.
      int block = TestCluster.freePorts(1 + 3 * nodes);
      int lbPort = block;
      cluster = new BalancedCluster(database, runDir, lbPort, Map.of(
          "PARLEY_RUN_DIR", runDir.toString(),
          "PARLEY_LB_PORT", Integer.toString(lbPort),
          "PARLEY_NODE_PORT_BASE", Integer.toString(block + 1),
          "PARLEY_CLUSTER_PORT_BASE", Integer.toString(block + 1 + nodes),
          "PARLEY_METRICS_PORT_BASE", Integer.toString(block + 1 + 2 * nodes),
          "PARLEY_DB_NAME", database.name(),
          "PARLEY_CLUSTER_NAME", "balanced-" + UUID.randomUUID(),
          // The scripts' development CA and node certificates (event-bus mTLS), made once per build.
          "PARLEY_TLS_DIR", ROOT.resolve("target/cluster-tls").toString(),
          // A low PBKDF2 cost keeps sign-ups fast; the hashing code path is the production one.
          "PARLEY_PASSWORD_ITERATIONS", "1000",
          // Every test client is 127.0.0.1 (through nginx too): one address registers every user.
          "PARLEY_REGISTRATIONS_PER_HOUR", "1000000"));
    } catch (IOException e) {
      database.close();
      throw new IllegalStateException(e);
    }
    try {
      int code = cluster.script("up", Integer.toString(nodes));
      cluster.members = cluster.readPids();
      if (code != 0) {
        throw new IllegalStateException("scripts/cluster.sh up " + nodes + " exited with " + code);
      }
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
    return cluster;
  }

  /** The load balancer's base URL, what a browser opens. */
  public String url() {
    return "http://127.0.0.1:" + lbPort;
  }

  public int lbPort() {
    return lbPort;
  }

  public TestDatabase database() {
    return database;
  }

  /** The Parley nodes (not nginx), in start order. */
  public List<Member> nodes() {
    return members.stream().filter(member -> member.name().startsWith("node")).toList();
  }

  /** The node whose health check reports {@code nodeId}. */
  public Member nodeWithId(String nodeId) {
    return nodes().stream().filter(Member::isAlive).filter(node -> node.nodeId().equals(nodeId)).findFirst()
        .orElseThrow(() -> new IllegalStateException("no live node has id " + nodeId + " among " + nodes()));
  }

  /** {@code scripts/cluster.sh down} then {@code up} again, same run directory and database. */
  public void restart() {
    int nodes = nodes().size();
    if (script("down") != 0) {
      throw new IllegalStateException("scripts/cluster.sh down failed");
    }
    int code = script("up", Integer.toString(nodes));
    members = readPids();
    if (code != 0) {
      throw new IllegalStateException("scripts/cluster.sh up " + nodes + " exited with " + code);
    }
  }

  /** The run directory cluster.sh was given ({@code PARLEY_RUN_DIR}). */
  public Path runDir() {
    return runDir;
  }

  /** {@code scripts/cluster.sh down}, then drops the database; fails if a started process survived. */
  @Override
  public void close() {
    int code;
    try {
      code = script("down");
    } finally {
      database.close();
    }
    List<Member> survivors = members.stream().filter(Member::isAlive).toList();
    if (code != 0 || !survivors.isEmpty()) {
      throw new IllegalStateException("scripts/cluster.sh down exited with " + code + "; still running: " + survivors);
    }
  }

  private List<Member> readPids() {
    Path pids = runDir.resolve("pids");
    if (!Files.exists(pids)) {
      return List.of();
    }
    try {
      List<Member> result = new ArrayList<>();
      for (String line : Files.readAllLines(pids)) {
        String[] fields = line.trim().split("\\s+");
        if (fields.length == 3) {
          result.add(new Member(fields[0], Long.parseLong(fields[1]), Integer.parseInt(fields[2])));
        }
      }
      return List.copyOf(result);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private int script(String... args) {
    List<String> command = new ArrayList<>(List.of(ROOT.resolve("scripts/cluster.sh").toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile()).inheritIO();
    builder.environment().putAll(env);
    try {
      Process process = builder.start();
      if (!process.waitFor(SCRIPT_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return -1;
      }
      return process.exitValue();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
