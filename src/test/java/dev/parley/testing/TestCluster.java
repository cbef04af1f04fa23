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

  public static TestCluster start(int size) {
    return start(size, Duration.ofSeconds(120));
  }

  public static TestCluster start(int size, Duration recallWindow) {
    TestCluster cluster = new TestCluster(TestDatabase.create());
    String name = "parley-test-" + UUID.randomUUID();
    int clusterBase = freePort();
    List<String> members = IntStream.range(0, size).mapToObj(i -> "127.0.0.1:" + (clusterBase + i)).toList();
    try {
      for (int i = 0; i < size; i++) {
        int httpPort = freePort();
        AppConfig config = config(cluster.database.name(), httpPort, clusterBase + i, members, name, recallWindow);
        cluster.nodes.add(await(ParleyNode.start(config).toCompletionStage().toCompletableFuture(), 120));
        cluster.httpPorts.add(httpPort);
      }
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
    return cluster;
  }

  static AppConfig config(String database, int httpPort, int clusterPort, List<String> members, String clusterName,
                          Duration recallWindow) {
    return new AppConfig(
        new AppConfig.HttpConfig("127.0.0.1", httpPort, List.of()),
        new AppConfig.DbConfig(TestDatabase.HOST, TestDatabase.PORT, database, TestDatabase.USER, TestDatabase.PASSWORD, 8),
        // A low PBKDF2 cost keeps user set-up fast; the hashing code path is the production one.
        new AppConfig.AuthConfig("test-secret-test-secret-test-secret-0123456789", Duration.ofHours(1), 1_000, 10),
        new AppConfig.ClusterConfig(true, "127.0.0.1", clusterPort, members, clusterName),
        new AppConfig.ChatConfig(recallWindow, 20, 40, 500, 512));
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

  public Api api(int node) {
    return new Api(port(node));
  }

  /** Stops one node gracefully (its connections see 1001). */
  public void stopNode(int index) {
    await(nodes.get(index).close(), 60);
  }

  @Override
  public void close() {
    for (ParleyNode node : nodes) {
      try {
        node.close().get(60, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // already stopped by the test, or failing to stop: the database is dropped either way
      }
    }
    database.close();
  }

  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
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
