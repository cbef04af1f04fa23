package dev.parley.config;

import java.time.Duration;
import java.util.List;

/**
 * Every setting of a Parley node, parsed once in {@code Main} from {@code conf/config.json} and
 * the {@code PARLEY_*} environment. Each nested record documents its fields and their defaults.
 */
public record AppConfig(HttpConfig http, DbConfig db, AuthConfig auth, ClusterConfig cluster, ChatConfig chat,
                        OpsConfig ops) {

  /**
   * @param host           interface to bind; loopback by default so a dev node is never exposed by accident
   * @param port           HTTP and WebSocket port (default 8080; {@code 0} picks a free one, used by tests)
   * @param allowedOrigins WebSocket {@code Origin} allow-list; empty allows any (PROTOCOL 3.1.4)
   */
  public record HttpConfig(String host, int port, List<String> allowedOrigins) {}

  /**
   * @param poolSize connections per node; small because appends are batched (one statement per batch)
   */
  public record DbConfig(String host, int port, String name, String user, String password, int poolSize) {}

  /**
   * @param jwtSecret              HMAC key for session tokens; at least 32 bytes so HS256 keeps its strength
   * @param tokenTtl               how long a token stays valid (default 7 days)
   * @param passwordIterations     PBKDF2-HMAC-SHA256 rounds for new hashes (default 210,000: OWASP's floor
   *                               when it was written; each stored hash keeps its own count)
   * @param loginFailuresPerMinute failed logins per username and per client address before 429
   */
  public record AuthConfig(String jwtSecret, Duration tokenTtl, int passwordIterations, int loginFailuresPerMinute) {}

  /**
   * @param enabled      whether to join a Hazelcast cluster; {@code false} runs a single stand-alone node
   * @param host         IP address of the cluster interface: Hazelcast and the event bus listen on it
   *                     alone (loopback by default) and advertise it to peers
   * @param port         Hazelcast member port
   * @param members      TCP-IP join list, host[:port]; empty means "only me"
   * @param name         cluster name: nodes with another name never join (tests use a random one). It
   *                     separates clusters; it is not a credential
   * @param eventBusPort event-bus port; {@code 0} (default) picks a free one, a fixed one suits firewalls
   * @param tls          mutual TLS on the event bus; required when {@code host} is not loopback
   * @param insecure     allows a non-loopback {@code host} without TLS (a private network the operator
   *                     vouches for); off by default so plain TCP is never chosen by accident
   */
  public record ClusterConfig(boolean enabled, String host, int port, List<String> members, String name,
                              int eventBusPort, ClusterTlsConfig tls, boolean insecure) {}

  /**
   * PKCS12 stores for the event bus's mutual TLS; all empty means no TLS.
   *
   * @param keystore           this node's private key and its certificate chain, issued by the cluster CA
   * @param keystorePassword   its password
   * @param truststore         the cluster CA's certificate only: a peer is a node iff the CA issued its certificate
   * @param truststorePassword its password
   */
  public record ClusterTlsConfig(String keystore, String keystorePassword, String truststore,
                                 String truststorePassword) {

    public boolean enabled() {
      return !keystore.isEmpty();
    }

    /** Without the passwords, should the config ever be logged. */
    @Override
    public String toString() {
      return "ClusterTlsConfig[keystore=" + keystore + ", truststore=" + truststore + "]";
    }
  }

  /**
   * @param recallWindow    how long after {@code ts} a sender may recall (default 120 s), checked on the database clock
   * @param ratePerSecond   per-connection refill of the send/recall/revoke/typing bucket (default 20/s)
   * @param rateBurst       bucket size (default 40)
   * @param syncPageSize    events per conversation per sync round (PROTOCOL: 500)
   * @param appendBatchSize most messages in one append statement; bounds statement size and lock time
   * @param groupsPerHour   groups one user may create per rolling hour (default 20): creating a group
   *                        fans a summary out to up to 1000 users, so it is an amplification path
   * @param summaryMembers  members listed in a conversation summary (default 100); the rest are paged
   *                        through {@code GET /conversations/{id}/members}, so a 1000-member group does
   *                        not make every sync ack and conversation list carry 1000 entries
   */
  public record ChatConfig(Duration recallWindow, int ratePerSecond, int rateBurst, int syncPageSize, int appendBatchSize,
                           int groupsPerHour, int summaryMembers) {}

  /**
   * @param metricsHost     interface of the management server ({@code GET /metrics}); loopback by default
   * @param metricsPort     its port (default 9464); {@code 0} turns the management server and Vert.x's
   *                        own metrics off
   * @param shutdownTimeout how long a stop (SIGTERM) may take before the process exits anyway (default 20 s)
   */
  public record OpsConfig(String metricsHost, int metricsPort, Duration shutdownTimeout) {}
}
