package dev.parley.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One {@link TestCluster} for a test class: {@code @RegisterExtension static final ClusterExtension
 * cluster = new ClusterExtension(2);} starts it before the first test and stops it after the last.
 */
public final class ClusterExtension implements BeforeAllCallback, AfterAllCallback {

  private final int size;
  private final TestCluster.Settings settings;
  private TestCluster cluster;

  public ClusterExtension(int size) {
    this(size, TestCluster.Settings.DEFAULTS);
  }

  public ClusterExtension(int size, TestCluster.Settings settings) {
    this.size = size;
    this.settings = settings;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    cluster = TestCluster.start(size, settings);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (cluster != null) {
      cluster.close();
    }
  }

  public TestCluster get() {
    return cluster;
  }

  public int port(int node) {
    return cluster.port(node);
  }

  /** The HTTP API of node 0. */
  public Api api() {
    return cluster.api(0);
  }

  public TestDatabase database() {
    return cluster.database();
  }
}
