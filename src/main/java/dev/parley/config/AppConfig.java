package dev.parley.config;

import java.time.Duration;
import java.util.List;

/**
 * Every setting of a Parley node, parsed once in {@code Main} from {@code conf/config.json} and
 * the {@code PARLEY_*} environment. Each nested record documents its fields and their defaults.
 */
public record AppConfig(HttpConfig http, DbConfig db, AuthConfig auth, ClusterConfig cluster, ChatConfig chat,
                        OpsConfig ops, ServerApiConfig serverApi, PushConfig push, SearchConfig search,
                        UploadConfig uploads, PartitionConfig partition) {

  /**
   * @param host           interface to bind; loopback by default so a dev node is never exposed by accident
   * @param port           HTTP and WebSocket port (default 8080; {@code 0} picks a free one, used by tests)
   * @param allowedOrigins WebSocket {@code Origin} allow-list; empty allows any (PROTOCOL 3.1.4)
   * @param trustedProxies peers whose {@code X-Forwarded-For} names the client (default none: the TCP
   *                       peer is the client); the shipped nginx setup sets loopback
   * @param idleTimeout    a connection with no traffic either way for this long is closed (default 60 s;
   *                       WebSockets are pinged every 20 s, so a live one never idles out)
   * @param headerTimeout  a request whose headers are not complete this long after the connection
   *                       opened (or the previous response ended) is closed: a slow-loris bound (default 10 s)
   */
  public record HttpConfig(String host, int port, List<String> allowedOrigins, List<AddressRange> trustedProxies,
                           Duration idleTimeout, Duration headerTimeout) {}

  /**
   * @param poolSize      connections per node; small because appends are batched (one statement per batch)
   * @param storePoolSize the store verticle's own connections per node (appends, withdrawals, edits,
   *                      reactions), on its event loop; apart from {@code poolSize}
   */
  public record DbConfig(String host, int port, String name, String user, String password, int poolSize,
                         int storePoolSize) {}

  /**
   * @param jwtSecret               HMAC key for session tokens; required, at least 32 bytes so HS256 keeps
   *                                its strength, and never the development value once shipped
   * @param tokenTtl                how long a token stays valid (default 7 days)
   * @param passwordIterations      PBKDF2-HMAC-SHA256 rounds for new hashes (default 600,000: OWASP's figure
   *                                for SHA-256); a stored hash below it is rehashed at the next sign-in
   * @param loginWindow             the fixed window failures are counted in (default 60 s)
   * @param loginFailureLimit       failures per (username, client address) in a window before that pair
   *                                is refused with 429 (default 10)
   * @param loginAddressLimit       failures per client address in a window, any usernames, before 429
   *                                (default 100: a NAT or office shares an address)
   * @param loginDelayBase          the first delay once a username alone has loginFailureLimit failures in
   *                                a window, from any addresses; doubles per further failure (default 250 ms)
   * @param loginDelayMax           the cap on that delay (default 4 s): a delay, never a refusal, so nobody
   *                                can lock an account's owner out
   * @param loginInFlight           sign-in attempts per (username, address) checked at once on a node, and
   *                                16 times that per address; the rest wait their turn (default 4), which
   *                                bounds parallel guessing past the limits
   * @param registrationsPerHour    accounts one client address may create per hour (default 20)
   * @param hashQueueLimit          password hashes queued or running per node before registration and
   *                                sign-in answer 503 (default 64): a flood of sign-ups cannot starve logins
   */
  public record AuthConfig(String jwtSecret, Duration tokenTtl, int passwordIterations, Duration loginWindow,
                           int loginFailureLimit, int loginAddressLimit, Duration loginDelayBase,
                           Duration loginDelayMax, int loginInFlight, int registrationsPerHour, int hashQueueLimit) {}

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
   * @param userSendsPerSecond    per-user send rate across all their connections in the cluster (default 60/s:
   *                              three devices at the per-connection rate); each node grants its share
   * @param userSendBurst         per-user burst, shared likewise (default 120)
   * @param maxConnectionsPerUser open WebSocket connections per user on one node (default 20); one more is
   *                              closed with 4429 at auth
   * @param editWindow            how long after {@code ts} a sender may edit their message (default 3600 s),
   *                              checked on the database clock like the recall window
   * @param appendInFlight        append batches a node commits at once (default 1), on as many database
   *                              connections; batches in flight never share a conversation. More than one
   *                              measured slower here: NOTIFY's commit lock serializes the commits anyway
   *                              (docs/performance.md), so a second batch only halves the batch size
   * @param memberListIds         member ids of recently appended-to conversations a node's store keeps
   *                              (default 1,000,000, about 8 MB), so a batch reads a member list only when
   *                              it changed; 0 reads it on every batch
   * @param slowReaderKiB         what a WebSocket may have waiting in the node, written but not yet taken by
   *                              the socket, before its reader counts as too slow and is closed with 1013
   *                              (default 256 KiB, Netty's own is 64: a stall of the node, a GC pause, makes
   *                              the next batches large; it bounds the node's memory for a reader that stalls)
   */
  public record ChatConfig(Duration recallWindow, int ratePerSecond, int rateBurst, int syncPageSize, int appendBatchSize,
                           int groupsPerHour, int summaryMembers, int userSendsPerSecond, int userSendBurst,
                           int maxConnectionsPerUser, Duration editWindow, int appendInFlight,
                           long memberListIds, int slowReaderKiB) {}

  /**
   * @param metricsHost     interface of the management server ({@code GET /metrics}); loopback by default
   * @param metricsPort     its port (default 9464); {@code 0} turns the management server and Vert.x's
   *                        own metrics off
   * @param shutdownTimeout how long a stop (SIGTERM) may take before the process exits anyway (default 20 s)
   */
  public record OpsConfig(String metricsHost, int metricsPort, Duration shutdownTimeout) {}

  /**
   * What keeps a node right while it cannot reach the others over the cluster (docs/split-brain.md).
   *
   * @param expectedMembers nodes the cluster should have; readiness fails while this node sees fewer
   *                        (0: off). Set it to a majority (n/2+1) so that only a minority side drops out
   * @param presenceLease   how long a node's presence rows outlive its last lease renewal (renewed every
   *                        fifth of it): a crashed node's users go offline this long after the crash
   * @param signalWait      how long a "conversation advanced" signal from PostgreSQL waits for the event
   *                        bus to bring those events before the node's connections read them from storage
   */
  public record PartitionConfig(int expectedMembers, Duration presenceLease, Duration signalWait) {}

  /**
   * The server API of PROTOCOL section 4, for an application's own backend.
   *
   * @param keys         accepted {@code X-Parley-Server-Key} values (several, so a key can be rotated
   *                     without downtime); each at least 32 characters; empty (the default) turns the
   *                     server API off, and its paths answer 404
   * @param maxBodyBytes largest request body under {@code /api/v1/server/} (default 64 KiB: a
   *                     4000-character message or a notice's 4 KiB payload with 1000 user ids fit)
   * @param maxTokenTtl  longest {@code ttlMinutes} a minted token may ask for (default 7 days, the
   *                     login token's default), so a leaked backend request cannot mint an endless one
   */
  public record ServerApiConfig(List<String> keys, int maxBodyBytes, Duration maxTokenTtl) {

    public boolean enabled() {
      return !keys.isEmpty();
    }

    /** Never prints the keys: a config record may end up in a log line or an exception. */
    @Override
    public String toString() {
      return "ServerApiConfig[keys=" + keys.size() + " configured, maxBodyBytes=" + maxBodyBytes
          + ", maxTokenTtl=" + maxTokenTtl + "]";
    }
  }

  /**
   * Push notifications (PROTOCOL 3.5; design in docs/push.md).
   *
   * @param allowHttp       accept plain {@code http} push endpoints and webhook URL (tests only, default
   *                        false): {@code https} only also keeps users from aiming the server at internal addresses
   * @param collapse        at most one notification per user and conversation per interval (default 10 s)
   * @param preview         whether notifications carry the message text (default true)
   * @param ttl             Web Push {@code TTL}: how long a push service keeps an undelivered one (default 1 day);
   *                        a notice not sent within it is dropped rather than sent late
   * @param vapidPublicKey  VAPID public key (base64url uncompressed P-256 point); empty: generated once and
   *                        kept in PostgreSQL so every node signs with the same key
   * @param vapidPrivateKey VAPID private key (base64url 32-byte scalar); set with the public key or not at all
   * @param vapidSubject    the JWT {@code sub} (a mailto: or https: contact for push services); empty: omitted
   * @param webhookUrl      where the signed webhook is posted; empty: no webhook
   * @param webhookSecret   HMAC-SHA256 key of {@code X-Parley-Signature}; required (16+ bytes) with a URL
   * @param queueSize       sends one node holds in memory at most; the rest wait durably in PostgreSQL
   * @param concurrency     requests in flight per channel at most, so a hanging receiver holds few sockets
   * @param retries         attempts after the first for a 429, 5xx or timeout (exponential backoff), then dropped
   * @param requestTimeout  bound on one push or webhook request
   * @param poll            how often a node looks for unread events and due notices (default 250 ms)
   * @param subscriptionsPerUser most Web Push subscriptions one user may hold (default 20): each costs an
   *                        encryption per notification
   */
  public record PushConfig(boolean allowHttp, Duration collapse, boolean preview, Duration ttl, String vapidPublicKey,
                           String vapidPrivateKey, String vapidSubject, String webhookUrl, String webhookSecret,
                           int queueSize, int concurrency, int retries, Duration requestTimeout, Duration poll,
                           int subscriptionsPerUser) {

    /** Never prints the VAPID private key or the webhook secret. */
    @Override
    public String toString() {
      return "PushConfig[allowHttp=" + allowHttp + ", collapse=" + collapse + ", preview=" + preview + ", ttl=" + ttl
          + ", vapidKeys=" + (vapidPublicKey.isEmpty() ? "generated" : "configured") + ", webhook="
          + (webhookUrl.isEmpty() ? "off" : "on") + ", queueSize=" + queueSize + ", concurrency=" + concurrency
          + ", retries=" + retries + "]";
    }
  }

  /**
   * Message search ({@code GET /search}; plans in docs/performance.md, "Search").
   *
   * @param statementTimeout bound on each search statement (default 2 s): a search that runs longer is
   *                         cancelled by PostgreSQL and answered 503 UNAVAILABLE, so no query can hold a
   *                         database backend for long
   * @param poolSize         database connections per node for searches (default 4), apart from the main pool,
   *                         so searches never queue sends and history behind them
   * @param queueSize        searches waiting for one of those connections at most, per node (default 64);
   *                         beyond that a search is refused at once with 503 UNAVAILABLE
   */
  public record SearchConfig(Duration statementTimeout, int poolSize, int queueSize) {}

  /**
   * Attachments (PROTOCOL 2, 2.2; design in docs/uploads.md).
   *
   * @param maxBytes         largest file {@code POST /uploads} takes (default 25 MiB); a bigger one is
   *                         refused with 413 before its body is read when Content-Length says so, else
   *                         as soon as the streamed bytes pass it
   * @param perNode          uploads in progress on one node at once (default 32): each holds a temp file
   *                         of up to maxBytes and may take a thumbnail job, so this bounds disk and CPU
   * @param perUser          uploads one user has in progress on one node at once (default 4)
   * @param timeout          how long one upload may take from its headers to its reply (default 600 s):
   *                         a client trickling bytes cannot hold a slot for ever
   * @param maxPixels        largest image (width x height, read from its header) that gets a thumbnail
   *                         (default 50 megapixels): the decompression-bomb bound; bigger images are
   *                         stored with their dimensions but no thumbnail, and never decoded
   * @param mediaThreads     threads of the node's media pool (sniffing, image decoding), default 2
   * @param unreferencedTtl  an upload no message references is deleted this long after its upload or
   *                         its last claim by a send (default 1 day, PROTOCOL 2.2)
   * @param sweepInterval    how often each node looks for such uploads (default 10 min)
   */
  public record UploadConfig(int maxBytes, int perNode, int perUser, Duration timeout, int maxPixels,
                             int mediaThreads, Duration unreferencedTtl, Duration sweepInterval) {}
}
