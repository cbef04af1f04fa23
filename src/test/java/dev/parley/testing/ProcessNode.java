package dev.parley.testing;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Parley node in its own JVM, started from the packaged jar; {@link #kill()} is SIGKILL,
 * {@link #terminate()} is SIGTERM.
 */
public final class ProcessNode {

  /** The node's stop bound (PARLEY_SHUTDOWN_TIMEOUT_S): after SIGTERM it must exit within it. */
  public static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);

  private final Process process;
  private final String host;
  private final int port;
  private final Path log;

  private ProcessNode(Process process, String host, int port, Path log) {
    this.process = process;
    this.host = host;
    this.port = port;
    this.log = log;
  }

  /**
   * A node started with exactly this environment (plus the JWT secret and test hashing cost),
   * behind {@code prefix} (e.g. {@code ip netns exec <ns>}, which execs the JVM in place, so this
   * process is the JVM), answering health on {@code host:port}.
   */
  public static ProcessNode launch(List<String> prefix, java.util.Map<String, String> environment, String host,
                                   int port) {
    String jar = System.getProperty("parley.jar", "target/parley.jar");
    if (!new File(jar).exists()) {
      throw new IllegalStateException(jar + " is missing: process nodes run the packaged jar (mvn verify builds it)");
    }
    try {
      Path log = Files.createTempFile("parley-node-", ".log");
      List<String> command = new java.util.ArrayList<>(prefix);
      command.addAll(List.of(javaBinary(), "-Xmx256m", "-jar", jar));
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
      var env = builder.environment();
      env.put("PARLEY_JWT_SECRET", TestCluster.JWT_SECRET);
      env.put("PARLEY_PASSWORD_ITERATIONS", "1000");
      env.put("PARLEY_REGISTRATIONS_PER_HOUR", "1000000");
      env.put("PARLEY_SHUTDOWN_TIMEOUT_S", Long.toString(SHUTDOWN_TIMEOUT.toSeconds()));
      env.putAll(environment);
      ProcessNode node = new ProcessNode(builder.start(), host, port, log);
      node.awaitHealthy(Duration.ofSeconds(90));
      return node;
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static ProcessNode start(String database, String clusterName, List<String> members, TestCluster.Settings settings,
                           int port, String clusterMember, int metricsPort) {
    var env = new java.util.HashMap<String, String>();
    env.put("PARLEY_HTTP_PORT", Integer.toString(port));
    env.put("PARLEY_DB_HOST", TestDatabase.HOST);
    env.put("PARLEY_DB_PORT", Integer.toString(TestDatabase.PORT));
    env.put("PARLEY_DB_USER", TestDatabase.USER);
    env.put("PARLEY_DB_PASSWORD", TestDatabase.PASSWORD);
    env.put("PARLEY_DB_NAME", database);
    env.put("PARLEY_CLUSTER", "true");
    env.put("PARLEY_CLUSTER_NAME", clusterName);
    env.put("PARLEY_CLUSTER_MEMBERS", String.join(",", members));
    env.put("PARLEY_CLUSTER_PORT", clusterMember.split(":")[1]);
    env.putAll(settings.environment());
    env.put("PARLEY_METRICS_PORT", Integer.toString(metricsPort));
    env.put("PARLEY_SHUTDOWN_TIMEOUT_S", Long.toString(SHUTDOWN_TIMEOUT.toSeconds()));
    return launch(List.of(), env, "127.0.0.1", port);
  }

  private static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private void awaitHealthy(Duration timeout) {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("process node exited; log: " + tail());
      }
      try {
        HttpResponse<String> health = http.send(HttpRequest.newBuilder(
            URI.create("http://" + host + ":" + port + "/api/v1/health")).timeout(Duration.ofSeconds(2)).build(),
            HttpResponse.BodyHandlers.ofString());
        if (health.statusCode() == 200) {
          return;
        }
      } catch (Exception notYet) {
        // not listening yet
      }
      try {
        process.waitFor(250, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    kill();
    throw new IllegalStateException("process node not healthy within " + timeout + "; log: " + tail());
  }

  public int port() {
    return port;
  }

  /** The log file (kept after the process ends). */
  public Path logFile() {
    return log;
  }

  /** SIGKILL: no shutdown hook runs, connections drop without a close frame. */
  public void kill() {
    process.destroyForcibly();
    try {
      process.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** SIGTERM, as a supervisor sends it: the node drains and exits by itself. */
  public void terminate() {
    process.destroy();
  }

  /** Whether the process exited within the timeout; its exit code is then {@link #exitCode()}. */
  public boolean awaitExit(Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  public int exitCode() {
    return process.exitValue();
  }

  /** The node's log so far (stdout and stderr), for assertions about how it stopped. */
  public String log() {
    try {
      return Files.readString(log);
    } catch (java.io.IOException e) {
      return "";
    }
  }

  private String tail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (java.io.IOException e) {
      return "(no log)";
    }
  }
}
