package dev.parley.testing;

import dev.parley.ParleyNode;
import dev.parley.config.AppConfig;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/**
 * Several real Parley nodes in this JVM: each its own clustered Vertx with Hazelcast (TCP-IP join
 * on 127.0.0.1, a random cluster name per cluster), sharing one fresh PostgreSQL database.
 */
public final class TestCluster implements AutoCloseable {

  private final TestDatabase database;
  private final List<ParleyNode> nodes = new ArrayList<>();
  private final List<Integer> httpPorts = new ArrayList<>();

  private TestCluster(TestDatabase database) {
    this.database = database;
  }

  /**
   * What tests vary, as PARLEY_* settings on top of the production defaults.
   *
   * @param recallWindow   the recall window
   * @param ratePerSecond  per-connection command rate
   * @param rateBurst      per-connection burst
   * @param allowedOrigins the WebSocket Origin allow-list
   * @param env            any further PARLEY_* variables (they win over the fields above)
   */
  public record Settings(Duration recallWindow, int ratePerSecond, int rateBurst, List<String> allowedOrigins,
                         java.util.Map<String, String> env) {
    /** The production defaults, as the config loader declares them. */
    public static final Settings DEFAULTS = fromDefaults();

    public Settings(Duration recallWindow, int ratePerSecond, int rateBurst) {
      this(recallWindow, ratePerSecond, rateBurst, List.of(), java.util.Map.of());
    }

    public Settings(Duration recallWindow, int ratePerSecond, int rateBurst, List<String> allowedOrigins) {
      this(recallWindow, ratePerSecond, rateBurst, allowedOrigins, java.util.Map.of());
    }

    private static Settings fromDefaults() {
      AppConfig defaults = dev.parley.config.ConfigLoader.fromEnvironment(java.util.Map.of("PARLEY_JWT_SECRET", JWT_SECRET));
      return new Settings(defaults.chat().recallWindow(), defaults.chat().ratePerSecond(), defaults.chat().rateBurst(),
          defaults.http().allowedOrigins());
    }

    /** Defaults, but rate limits high enough for bulk sends from one connection. */
    public static Settings bulk() {
      return new Settings(DEFAULTS.recallWindow(), 100_000, 100_000)
          .with("PARLEY_USER_SENDS_PER_SECOND", "100000").with("PARLEY_USER_SEND_BURST", "100000");
    }

    /** Defaults with a WebSocket Origin allow-list. */
    public static Settings allowingOrigins(String... origins) {
      return new Settings(DEFAULTS.recallWindow(), DEFAULTS.ratePerSecond(), DEFAULTS.rateBurst(), List.of(origins));
    }

    /** These settings with one more PARLEY_* variable. */
    public Settings with(String variable, String value) {
      var more = new java.util.HashMap<>(env);
      more.put(variable, value);
      return new Settings(recallWindow, ratePerSecond, rateBurst, allowedOrigins, java.util.Map.copyOf(more));
    }

    /** The PARLEY_* variables these settings stand for. */
    public java.util.Map<String, String> environment() {
      var vars = new java.util.HashMap<String, String>();
      vars.put("PARLEY_RECALL_WINDOW_S", Long.toString(recallWindow.toSeconds()));
      vars.put("PARLEY_RATE_PER_SECOND", Integer.toString(ratePerSecond));
      vars.put("PARLEY_RATE_BURST", Integer.toString(rateBurst));
      vars.put("PARLEY_ALLOWED_ORIGINS", String.join(",", allowedOrigins));
      vars.putAll(env);
      return vars;
    }
  }

  public static final String JWT_SECRET = "test-secret-test-secret-test-secret-0123456789";

  private String clusterName;
  private List<String> members;
  private Settings settings;
  private java.util.Deque<Integer> spareHttpPorts;
  private java.util.Deque<Integer> spareMetricsPorts;
  private final List<ProcessNode> processes = new ArrayList<>();

  public static TestCluster start(int size) {
    return start(size, Settings.DEFAULTS);
  }

  public static TestCluster start(int size, Settings settings) {
    return start(size, settings, TestDatabase.create());
  }

  /** Starts nodes on the given database, which need not exist yet: the first node creates it. */
  public static TestCluster start(int size, Settings settings, TestDatabase database) {
    return start(size, settings, database, node -> java.util.Map.of());
  }

  /** Starts nodes whose settings differ per node (each its own certificate, say): node i gets {@code nodeEnv(i)} too. */
  public static TestCluster start(int size, Settings settings,
                                  java.util.function.IntFunction<java.util.Map<String, String>> nodeEnv) {
    return start(size, settings, TestDatabase.create(), nodeEnv);
  }

  private static TestCluster start(int size, Settings settings, TestDatabase database,
                                   java.util.function.IntFunction<java.util.Map<String, String>> nodeEnv) {
    TestCluster cluster = new TestCluster(database);
    String name = "parley-test-" + UUID.randomUUID();
    // One block of ports, so no pick can land on another's: Hazelcast ports first (with room for
    // two process nodes started later), then HTTP ports, then metrics ports, in the same order.
    int slots = size + 2;
    int block = freePorts(3 * slots);
    List<String> members = IntStream.range(0, slots).mapToObj(i -> "127.0.0.1:" + (block + i)).toList();
    cluster.clusterName = name;
    cluster.members = members;
    cluster.settings = settings;
    cluster.spareHttpPorts = new java.util.ArrayDeque<>(IntStream.range(size, slots).map(i -> block + slots + i).boxed().toList());
    cluster.spareMetricsPorts = new java.util.ArrayDeque<>(
        IntStream.range(size, slots).map(i -> block + 2 * slots + i).boxed().toList());
    try {
      for (int i = 0; i < size; i++) {
        int httpPort = block + slots + i;
        Settings nodeSettings = settings;
        for (var variable : nodeEnv.apply(i).entrySet()) {
          nodeSettings = nodeSettings.with(variable.getKey(), variable.getValue());
        }
        AppConfig config = config(cluster.database.name(), httpPort, block + i, block + 2 * slots + i, members, name,
            nodeSettings);
        cluster.nodes.add(await(ParleyNode.start(config), 120));
        cluster.httpPorts.add(httpPort);
      }
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
    return cluster;
  }

  static AppConfig config(String database, int httpPort, int clusterPort, int metricsPort, List<String> members,
                          String clusterName, Settings settings) {
    var env = new java.util.HashMap<String, String>();
    env.put("PARLEY_HTTP_HOST", "127.0.0.1");
    env.put("PARLEY_HTTP_PORT", Integer.toString(httpPort));
    env.put("PARLEY_DB_HOST", TestDatabase.HOST);
    env.put("PARLEY_DB_PORT", Integer.toString(TestDatabase.PORT));
    env.put("PARLEY_DB_NAME", database);
    env.put("PARLEY_DB_USER", TestDatabase.USER);
    env.put("PARLEY_DB_PASSWORD", TestDatabase.PASSWORD);
    env.put("PARLEY_DB_POOL_SIZE", "8");
    env.put("PARLEY_JWT_SECRET", JWT_SECRET);
    env.put("PARLEY_TOKEN_TTL_MINUTES", "60");
    // A low PBKDF2 cost keeps user set-up fast; the hashing code path is the production one.
    env.put("PARLEY_PASSWORD_ITERATIONS", "1000");
    // Every test client is 127.0.0.1: one address registers hundreds of users per class.
    env.put("PARLEY_REGISTRATIONS_PER_HOUR", "1000000");
    env.put("PARLEY_CLUSTER", "true");
    env.put("PARLEY_CLUSTER_HOST", "127.0.0.1");
    env.put("PARLEY_CLUSTER_PORT", Integer.toString(clusterPort));
    env.put("PARLEY_CLUSTER_MEMBERS", String.join(",", members));
    env.put("PARLEY_CLUSTER_NAME", clusterName);
    env.put("PARLEY_METRICS_PORT", Integer.toString(metricsPort));
    env.putAll(settings.environment());
    return dev.parley.config.ConfigLoader.fromEnvironment(env);
  }

  public int port(int node) {
    return httpPorts.get(node);
  }

  public ParleyNode node(int index) {
    return nodes.get(index);
  }

  public int size() {
    return nodes.size();
  }

  public TestDatabase database() {
    return database;
  }

  /** The random cluster name its nodes share. */
  public String clusterName() {
    return clusterName;
  }

  /** The TCP-IP join list, host:port, including the slots no node holds yet. */
  public List<String> members() {
    return members;
  }

  public Api api(int node) {
    return new Api(port(node));
  }

  /**
   * Starts one more node as a separate JVM ({@code java -jar target/parley.jar}) joining this
   * cluster, so that a test can kill it abruptly.
   */
  public ProcessNode startProcessNode() {
    ProcessNode node = ProcessNode.start(database.name(), clusterName, members, settings, spareHttpPorts.pop(),
        members.get(members.size() - processes.size() - 1), spareMetricsPorts.pop());
    processes.add(node);
    return node;
  }

  /** Stops one node gracefully (its connections see 1001). */
  public void stopNode(int index) {
    await(nodes.get(index).close(), 60);
  }

  @Override
  public void close() {
    processes.forEach(ProcessNode::kill);
    for (ParleyNode node : nodes) {
      try {
        node.close().get(60, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // already stopped by the test, or failing to stop: the database is dropped either way
      }
    }
    database.close();
  }

  /**
   * The first of {@code count} consecutive ports that are free now, below Linux's ephemeral range
   * (32768 and up). A port in that range (what {@code new ServerSocket(0)} hands out) may meanwhile
   * become the local port of some outgoing connection, the nodes' own database connections
   * included, and the node that later binds it fails.
   */
  public static int freePorts(int count) {
    for (int attempt = 0; attempt < 200; attempt++) {
      int base = java.util.concurrent.ThreadLocalRandom.current().nextInt(20_000, 32_000 - count);
      if (IntStream.range(base, base + count).allMatch(TestCluster::isFree)) {
        return base;
      }
    }
    throw new IllegalStateException("no " + count + " consecutive free ports below 32000");
  }

  private static boolean isFree(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new java.net.InetSocketAddress("127.0.0.1", port));
      return true;
    } catch (IOException taken) {
      return false;
    }
  }

  static <T> T await(java.util.concurrent.CompletableFuture<T> future, int seconds) {
    try {
      return future.get(seconds, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("timed out or failed: " + e, e);
    }
  }
}
