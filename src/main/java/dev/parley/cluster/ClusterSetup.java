package dev.parley.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.spi.properties.ClusterProperty;
import dev.parley.config.AppConfig;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.PfxOptions;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The network of a clustered node: Hazelcast and the event bus listen on the configured cluster
 * interface only, and the event bus (which carries every delivery) runs over mutual TLS when
 * certificates are configured.
 *
 * <p>Hazelcast open source has no member authentication: whoever reaches the member port and
 * knows the cluster name joins the membership. What the event bus adds is that only a holder of a
 * certificate issued by the cluster CA can open, or accept, an event-bus connection, so such a
 * member sees the subscription map but can neither read nor inject a delivery.
 */
public final class ClusterSetup {

  /**
   * TLS 1.3 only: both ends are Parley nodes on the same JDK, so nothing older must be spoken, and
   * 1.3 encrypts the certificates in the handshake.
   */
  private static final Set<String> PROTOCOLS = Set.of("TLSv1.3");

  private static final Logger LOG = LoggerFactory.getLogger(ClusterSetup.class);

  private ClusterSetup() {}

  /**
   * Binds the event bus to the cluster interface and advertises that same address to peers; with
   * TLS configured, both directions of every event-bus connection present a certificate and
   * accept only one issued by the CA in the truststore.
   *
   * <p>No hostname verification: Vert.x's event-bus client turns it off (it dials the address a
   * peer published in the cluster map, often a bare container IP), and it would add nothing here.
   * A peer proves it is a node by holding a key the cluster CA certified; the CA is private to the
   * cluster and certifies nodes only, so "issued by the cluster CA" is the whole identity check.
   */
  public static void configureEventBus(EventBusOptions bus, AppConfig.ClusterConfig cluster) {
    bus.setHost(cluster.host()).setPort(cluster.eventBusPort()).setClusterPublicHost(cluster.host());
    AppConfig.ClusterTlsConfig tls = cluster.tls();
    LOG.info("cluster interface {}: Hazelcast port {}, event bus {}", cluster.host(), cluster.port(),
        tls.enabled() ? "over mutual TLS" : "over plain TCP (no TLS configured)");
    if (tls.enabled()) {
      bus.setSsl(true)
          .setClientAuth(ClientAuth.REQUIRED)
          // EventBusOptions trusts every server by default (unlike NetClientOptions): without this a
          // node would hand deliveries to a rogue presenting any certificate at all.
          .setTrustAll(false)
          .setEnabledSecureTransportProtocols(PROTOCOLS)
          .setKeyCertOptions(new PfxOptions().setPath(tls.keystore()).setPassword(tls.keystorePassword()))
          .setTrustOptions(new PfxOptions().setPath(tls.truststore()).setPassword(tls.truststorePassword()));
    }
  }

  /** The Hazelcast cluster manager for {@link #hazelcast}'s configuration. */
  public static ClusterManager clusterManager(AppConfig.ClusterConfig cluster) {
    return new HazelcastClusterManager(hazelcast(cluster));
  }

  /**
   * cluster.xml (the file named by {@code PARLEY_CLUSTER_XML}, else the working directory's, else
   * the jar's), with the node's own port, interface, members and name.
   *
   * <p>Hazelcast listens on every interface ({@code hazelcast.socket.bind.any}) even when
   * {@code <interfaces>} names one: {@code <interfaces>} only picks the address it advertises.
   * Turning bind-any off makes the member socket listen on the cluster interface alone.
   */
  public static Config hazelcast(AppConfig.ClusterConfig cluster) {
    Config hz;
    try {
      Path file = Path.of(System.getenv().getOrDefault("PARLEY_CLUSTER_XML", "cluster.xml"));
      hz = Files.exists(file) ? Config.loadFromFile(file.toFile()) : ConfigUtil.loadConfig();
    } catch (Exception e) {
      throw new IllegalStateException("cannot read the Hazelcast configuration: " + e.getMessage(), e);
    }
    hz.setClusterName(cluster.name());
    hz.setProperty(ClusterProperty.SOCKET_BIND_ANY.getName(), "false");
    hz.setProperty("hazelcast.local.localAddress", cluster.host());
    hz.getNetworkConfig().setPort(cluster.port()).setPortAutoIncrement(true);
    hz.getNetworkConfig().getInterfaces().setEnabled(true).setInterfaces(List.of(cluster.host()));
    JoinConfig join = hz.getNetworkConfig().getJoin();
    if (join.getTcpIpConfig().isEnabled() || !join.getMulticastConfig().isEnabled()) {
      join.getMulticastConfig().setEnabled(false);
      join.getTcpIpConfig().setEnabled(true);
      if (!cluster.members().isEmpty()) {
        join.getTcpIpConfig().setMembers(cluster.members());
      } else if (join.getTcpIpConfig().getMembers().isEmpty()) {
        join.getTcpIpConfig().addMember(cluster.host());
      }
    }
    return hz;
  }
}
