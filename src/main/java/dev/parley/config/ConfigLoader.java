package dev.parley.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Reads {@code conf/config.json} (or the file named by {@code PARLEY_CONFIG}; only the built-in
 * defaults when neither exists) and lets a {@code PARLEY_*} environment variable override each key.
 * Every value is checked here so that a bad one stops start-up with a line naming it.
 *
 * <p>Each setting is declared exactly once, in {@link #parse()}: key, variable, default and bounds.
 * {@link #settings()} lists those declarations, and a test holds README's configuration table and
 * the shipped {@code conf/config.json} to them, so a default is written in one place only.
 */
public final class ConfigLoader {

  /**
   * One setting as declared by {@link #parse()}: the single source of its key, environment
   * variable and default, from which README's table and {@code conf/config.json} are checked.
   *
   * @param key          dotted key in the JSON file
   * @param env          the PARLEY_* variable that overrides it
   * @param defaultValue the default as text (a list comma-joined; "" when empty); null when required
   */
  public record Setting(String key, String env, String defaultValue) {}

  private final JsonNode file;
  private final Map<String, String> env;
  private final List<Setting> declared = new java.util.ArrayList<>();

  private ConfigLoader(JsonNode file, Map<String, String> env) {
    this.file = file;
    this.env = env;
  }

  public static AppConfig load(Map<String, String> env) {
    return new ConfigLoader(readFile(env), env).parse();
  }

  /** The environment and the built-in defaults only, no file: how tests configure their nodes. */
  public static AppConfig fromEnvironment(Map<String, String> env) {
    return new ConfigLoader(new ObjectMapper().createObjectNode(), env).parse();
  }

  /** Every setting this loader reads, in declaration order. */
  public static List<Setting> settings() {
    ConfigLoader loader = new ConfigLoader(new ObjectMapper().createObjectNode(), Map.of());
    loader.declaring = true;
    loader.parse();
    return List.copyOf(loader.declared);
  }

  /** While listing the settings, required values are not enforced (there is no environment). */
  private boolean declaring;

  private static JsonNode readFile(Map<String, String> env) {
    ObjectMapper mapper = new ObjectMapper();
    String named = env.get("PARLEY_CONFIG");
    Path path = Path.of(named != null ? named : "conf/config.json");
    try {
      if (Files.exists(path)) {
        return mapper.readTree(path.toFile());
      }
      if (named != null) {
        throw new ConfigException("PARLEY_CONFIG: file " + path + " does not exist");
      }
      return mapper.createObjectNode();
    } catch (IOException e) {
      String detail = e instanceof com.fasterxml.jackson.core.JsonProcessingException json
          ? json.getOriginalMessage() : e.getMessage();
      throw new ConfigException(path + ": cannot be read as JSON (" + detail + ")");
    }
  }

  private AppConfig parse() {
    var http = new AppConfig.HttpConfig(
        string("http.host", "PARLEY_HTTP_HOST", "127.0.0.1"),
        integer("http.port", "PARLEY_HTTP_PORT", 8080, 0, 65535),
        list("http.allowedOrigins", "PARLEY_ALLOWED_ORIGINS", ""),
        addressRanges("http.trustedProxies", "PARLEY_TRUSTED_PROXIES"),
        Duration.ofSeconds(integer("http.idleTimeoutSeconds", "PARLEY_HTTP_IDLE_TIMEOUT_S", 60, 1, 86_400)),
        Duration.ofSeconds(integer("http.headerTimeoutSeconds", "PARLEY_HTTP_HEADER_TIMEOUT_S", 10, 1, 3_600)));
    var db = new AppConfig.DbConfig(
        string("db.host", "PARLEY_DB_HOST", "127.0.0.1"),
        integer("db.port", "PARLEY_DB_PORT", 5432, 1, 65535),
        string("db.name", "PARLEY_DB_NAME", "parley"),
        string("db.user", "PARLEY_DB_USER", "postgres"),
        optionalString("db.password", "PARLEY_DB_PASSWORD", ""),
        integer("db.poolSize", "PARLEY_DB_POOL_SIZE", 16, 1, 512),
        integer("db.storePoolSize", "PARLEY_DB_STORE_POOL_SIZE", 4, 1, 256));
    String secret = secret(string("auth.jwtSecret", "PARLEY_JWT_SECRET", null));
    var auth = new AppConfig.AuthConfig(
        secret,
        Duration.ofMinutes(integer("auth.tokenTtlMinutes", "PARLEY_TOKEN_TTL_MINUTES", 7 * 24 * 60, 1, 525_600)),
        integer("auth.passwordIterations", "PARLEY_PASSWORD_ITERATIONS", 600_000, 1_000, 10_000_000),
        Duration.ofSeconds(integer("auth.loginWindowSeconds", "PARLEY_LOGIN_WINDOW_S", 60, 1, 86_400)),
        integer("auth.loginFailureLimit", "PARLEY_LOGIN_FAILURE_LIMIT", 10, 1, 100_000),
        integer("auth.loginAddressLimit", "PARLEY_LOGIN_ADDRESS_LIMIT", 100, 1, 1_000_000),
        Duration.ofMillis(integer("auth.loginDelayBaseMs", "PARLEY_LOGIN_DELAY_BASE_MS", 250, 1, 60_000)),
        Duration.ofMillis(integer("auth.loginDelayMaxMs", "PARLEY_LOGIN_DELAY_MAX_MS", 4_000, 1, 60_000)),
        integer("auth.loginInFlight", "PARLEY_LOGIN_IN_FLIGHT", 4, 1, 1_000),
        integer("auth.registrationsPerHour", "PARLEY_REGISTRATIONS_PER_HOUR", 20, 1, 1_000_000),
        integer("auth.hashQueueLimit", "PARLEY_HASH_QUEUE_LIMIT", 64, 1, 100_000));
    var cluster = new AppConfig.ClusterConfig(
        bool("cluster.enabled", "PARLEY_CLUSTER", true),
        string("cluster.host", "PARLEY_CLUSTER_HOST", "127.0.0.1"),
        integer("cluster.port", "PARLEY_CLUSTER_PORT", 5701, 1, 65535),
        list("cluster.members", "PARLEY_CLUSTER_MEMBERS", "127.0.0.1:5701,127.0.0.1:5702,127.0.0.1:5703"),
        string("cluster.name", "PARLEY_CLUSTER_NAME", "parley"),
        integer("cluster.eventBusPort", "PARLEY_CLUSTER_EVENT_BUS_PORT", 0, 0, 65535),
        new AppConfig.ClusterTlsConfig(
            string("cluster.tls.keystore", "PARLEY_CLUSTER_TLS_KEYSTORE", ""),
            optionalString("cluster.tls.keystorePassword", "PARLEY_CLUSTER_TLS_KEYSTORE_PASSWORD", ""),
            string("cluster.tls.truststore", "PARLEY_CLUSTER_TLS_TRUSTSTORE", ""),
            optionalString("cluster.tls.truststorePassword", "PARLEY_CLUSTER_TLS_TRUSTSTORE_PASSWORD", "")),
        bool("cluster.insecure", "PARLEY_CLUSTER_INSECURE", false));
    if (!declaring && cluster.enabled()) {
      cluster = ClusterNetworkCheck.check(cluster);
    }
    var chat = new AppConfig.ChatConfig(
        Duration.ofSeconds(integer("chat.recallWindowSeconds", "PARLEY_RECALL_WINDOW_S", 120, 0, 31_536_000)),
        integer("chat.ratePerSecond", "PARLEY_RATE_PER_SECOND", 20, 1, 1_000_000),
        integer("chat.rateBurst", "PARLEY_RATE_BURST", 40, 1, 1_000_000),
        integer("chat.syncPageSize", "PARLEY_SYNC_PAGE_SIZE", 500, 1, 10_000),
        integer("chat.appendBatchSize", "PARLEY_APPEND_BATCH_SIZE", 512, 1, 10_000),
        integer("chat.groupsPerHour", "PARLEY_GROUPS_PER_HOUR", 20, 1, 1_000_000),
        integer("chat.summaryMembers", "PARLEY_SUMMARY_MEMBERS", 100, 2, 1000),
        integer("chat.userSendsPerSecond", "PARLEY_USER_SENDS_PER_SECOND", 60, 1, 1_000_000),
        integer("chat.userSendBurst", "PARLEY_USER_SEND_BURST", 120, 1, 1_000_000),
        integer("chat.maxConnectionsPerUser", "PARLEY_MAX_CONNECTIONS_PER_USER", 20, 1, 100_000),
        Duration.ofSeconds(integer("chat.editWindowSeconds", "PARLEY_EDIT_WINDOW_S", 3600, 0, 31_536_000)),
        integer("chat.appendInFlight", "PARLEY_APPEND_IN_FLIGHT", 1, 1, 16),
        integer("chat.memberListIds", "PARLEY_MEMBER_LIST_IDS", 1_000_000, 0, 100_000_000),
        integer("chat.slowReaderKiB", "PARLEY_SLOW_READER_KIB", 256, 64, 65_536));
    var ops = new AppConfig.OpsConfig(
        string("ops.metricsHost", "PARLEY_METRICS_HOST", "127.0.0.1"),
        integer("ops.metricsPort", "PARLEY_METRICS_PORT", 9464, 0, 65535),
        Duration.ofSeconds(integer("ops.shutdownTimeoutSeconds", "PARLEY_SHUTDOWN_TIMEOUT_S", 20, 1, 600)));
    List<String> serverKeys = list("serverApi.keys", "PARLEY_SERVER_API_KEYS", "");
    if (!declaring && serverKeys.stream().anyMatch(key -> key.length() < 32)) {
      // Never echo the value: it is a secret, even when it is a bad one.
      throw new ConfigException("PARLEY_SERVER_API_KEYS (serverApi.keys): every key must be at least 32 characters");
    }
    var serverApi = new AppConfig.ServerApiConfig(
        serverKeys,
        integer("serverApi.maxBodyBytes", "PARLEY_SERVER_API_MAX_BODY_BYTES", 64 * 1024, 1024, 16 * 1024 * 1024),
        Duration.ofMinutes(integer("serverApi.maxTokenTtlMinutes", "PARLEY_SERVER_API_MAX_TOKEN_TTL_MINUTES",
            7 * 24 * 60, 1, 525_600)));
    var push = new AppConfig.PushConfig(
        bool("push.allowHttp", "PARLEY_PUSH_ALLOW_HTTP", false),
        Duration.ofSeconds(integer("push.collapseSeconds", "PARLEY_PUSH_COLLAPSE_S", 10, 0, 86_400)),
        bool("push.preview", "PARLEY_PUSH_PREVIEW", true),
        Duration.ofSeconds(integer("push.ttlSeconds", "PARLEY_PUSH_TTL_S", 86_400, 0, 2_419_200)),
        optionalString("push.vapidPublicKey", "PARLEY_VAPID_PUBLIC_KEY", "").trim(),
        optionalString("push.vapidPrivateKey", "PARLEY_VAPID_PRIVATE_KEY", "").trim(),
        optionalString("push.vapidSubject", "PARLEY_VAPID_SUBJECT", "").trim(),
        optionalString("push.webhookUrl", "PARLEY_WEBHOOK_URL", "").trim(),
        optionalString("push.webhookSecret", "PARLEY_WEBHOOK_SECRET", ""),
        integer("push.queueSize", "PARLEY_PUSH_QUEUE", 1000, 1, 1_000_000),
        integer("push.concurrency", "PARLEY_PUSH_CONCURRENCY", 16, 1, 10_000),
        integer("push.retries", "PARLEY_PUSH_RETRIES", 3, 0, 10),
        Duration.ofSeconds(integer("push.requestTimeoutSeconds", "PARLEY_PUSH_TIMEOUT_S", 10, 1, 300)),
        Duration.ofMillis(integer("push.pollMillis", "PARLEY_PUSH_POLL_MS", 250, 10, 60_000)),
        integer("push.subscriptionsPerUser", "PARLEY_PUSH_SUBSCRIPTIONS_PER_USER", 20, 1, 1000));
    if (!declaring) {
      checkPush(push);
    }
    var search = new AppConfig.SearchConfig(
        Duration.ofMillis(integer("search.statementTimeoutMillis", "PARLEY_SEARCH_TIMEOUT_MS", 2000, 10, 600_000)),
        integer("search.poolSize", "PARLEY_SEARCH_POOL_SIZE", 4, 1, 256),
        integer("search.queueSize", "PARLEY_SEARCH_QUEUE", 64, 0, 100_000));
    var uploads = new AppConfig.UploadConfig(
        integer("uploads.maxBytes", "PARLEY_UPLOAD_MAX_BYTES", 25 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
        integer("uploads.perNode", "PARLEY_UPLOADS_PER_NODE", 32, 1, 10_000),
        integer("uploads.perUser", "PARLEY_UPLOADS_PER_USER", 4, 1, 10_000),
        Duration.ofSeconds(integer("uploads.timeoutSeconds", "PARLEY_UPLOAD_TIMEOUT_S", 600, 1, 86_400)),
        integer("uploads.maxPixels", "PARLEY_UPLOAD_MAX_PIXELS", 50_000_000, 1, 1_000_000_000),
        integer("uploads.mediaThreads", "PARLEY_UPLOAD_MEDIA_THREADS", 2, 1, 256),
        Duration.ofSeconds(integer("uploads.unreferencedTtlSeconds", "PARLEY_UPLOAD_UNREFERENCED_TTL_S", 86_400, 1,
            31_536_000)),
        Duration.ofSeconds(integer("uploads.sweepIntervalSeconds", "PARLEY_UPLOAD_SWEEP_INTERVAL_S", 600, 1, 86_400)));
    var partition = new AppConfig.PartitionConfig(
        integer("partition.expectedMembers", "PARLEY_CLUSTER_EXPECTED_MEMBERS", 0, 0, 1000),
        Duration.ofSeconds(integer("partition.presenceLeaseSeconds", "PARLEY_PRESENCE_LEASE_S", 15, 2, 3_600)),
        Duration.ofMillis(integer("partition.signalWaitMs", "PARLEY_SIGNAL_WAIT_MS", 1_000, 10, 60_000)));
    return new AppConfig(http, db, auth, cluster, chat, ops, serverApi, push, search, uploads, partition);
  }

  private static void checkPush(AppConfig.PushConfig push) {
    if (push.vapidPublicKey().isEmpty() != push.vapidPrivateKey().isEmpty()) {
      throw new ConfigException("PARLEY_VAPID_PUBLIC_KEY and PARLEY_VAPID_PRIVATE_KEY: set both or neither");
    }
    if (!push.webhookUrl().isEmpty()) {
      String scheme = push.allowHttp() ? "^https?://.+" : "^https://.+";
      if (!push.webhookUrl().matches(scheme)) {
        throw new ConfigException("PARLEY_WEBHOOK_URL (push.webhookUrl): must be an https URL");
      }
      if (push.webhookSecret().getBytes(java.nio.charset.StandardCharsets.UTF_8).length < 16) {
        throw new ConfigException("PARLEY_WEBHOOK_SECRET (push.webhookSecret): at least 16 bytes when a webhook URL is set");
      }
    }
  }

  /** The value Parley shipped in its config files until 2026-12: public, so it signs nothing. */
  static final String DEVELOPMENT_SECRET = "change-me-in-production-this-is-only-for-local-dev";
  private static final String HOW_TO_SET_SECRET =
      "; set one with: export PARLEY_JWT_SECRET=$(head -c 48 /dev/urandom | base64)";

  /** The token key: present, at least 32 bytes, and not a value anyone else knows. */
  private String secret(String value) {
    if (declaring) {
      return value;
    }
    if (value.getBytes(java.nio.charset.StandardCharsets.UTF_8).length < 32) {
      throw new ConfigException("PARLEY_JWT_SECRET (auth.jwtSecret): must be at least 32 bytes" + HOW_TO_SET_SECRET);
    }
    if (value.equals(DEVELOPMENT_SECRET)) {
      throw new ConfigException("PARLEY_JWT_SECRET (auth.jwtSecret): is the published development value, "
          + "with which anyone can sign tokens" + HOW_TO_SET_SECRET);
    }
    return value;
  }

  /** A comma-separated list of addresses and CIDR networks. */
  private List<AddressRange> addressRanges(String key, String envName) {
    List<AddressRange> ranges = new java.util.ArrayList<>();
    for (String item : list(key, envName, "")) {
      try {
        ranges.add(AddressRange.parse(item));
      } catch (IllegalArgumentException e) {
        throw new ConfigException(envName + " (" + key + "): '" + item + "' is not an IP address or CIDR network");
      }
    }
    return List.copyOf(ranges);
  }

  /** The raw value: the environment variable if set, else the file's key, else null. */
  private String raw(String key, String envName) {
    String fromEnv = env.get(envName);
    if (fromEnv != null) {
      return fromEnv;
    }
    JsonNode node = file;
    for (String part : key.split("\\.")) {
      node = node == null ? null : node.get(part);
    }
    if (node == null || node.isNull()) {
      return null;
    }
    if (node.isArray()) {
      StringBuilder joined = new StringBuilder();
      node.forEach(item -> joined.append(joined.length() == 0 ? "" : ",").append(item.asText()));
      return joined.toString();
    }
    return node.asText();
  }

  private String string(String key, String envName, String fallback) {
    declared.add(new Setting(key, envName, fallback));
    String value = raw(key, envName);
    if (value == null || value.isBlank()) {
      if (fallback == null && declaring) {
        return "";
      }
      if (fallback == null) {
        throw new ConfigException(envName + " (" + key + "): required but missing"
            + ("PARLEY_JWT_SECRET".equals(envName) ? HOW_TO_SET_SECRET : ""));
      }
      return fallback;
    }
    return value.trim();
  }

  private String optionalString(String key, String envName, String fallback) {
    declared.add(new Setting(key, envName, fallback));
    String value = raw(key, envName);
    return value == null ? fallback : value;
  }

  private int integer(String key, String envName, int fallback, int min, int max) {
    declared.add(new Setting(key, envName, Integer.toString(fallback)));
    return parse(key, envName, fallback, text -> {
      int value = Integer.parseInt(text);
      if (value < min || value > max) {
        throw new NumberFormatException();
      }
      return value;
    }, "an integer from " + min + " to " + max);
  }

  private boolean bool(String key, String envName, boolean fallback) {
    declared.add(new Setting(key, envName, Boolean.toString(fallback)));
    return parse(key, envName, fallback, text -> switch (text.toLowerCase(java.util.Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException();
    }, "true or false");
  }

  private List<String> list(String key, String envName, String fallback) {
    declared.add(new Setting(key, envName, fallback));
    String value = raw(key, envName);
    if (value == null || value.isBlank()) {
      value = fallback;
    }
    return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  private <T> T parse(String key, String envName, T fallback, Function<String, T> parser, String expected) {
    String value = raw(key, envName);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      return parser.apply(value.trim());
    } catch (RuntimeException e) {
      throw new ConfigException(envName + " (" + key + "): '" + value + "' is not " + expected);
    }
  }
}
