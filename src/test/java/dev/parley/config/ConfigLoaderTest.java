package dev.parley.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Config from the JSON file and the PARLEY_* environment: defaults, overrides, and refusals that name the setting. */
class ConfigLoaderTest {

  private static final String SECRET = "a-test-secret-that-is-long-enough-0123456789";

  /** The defaults as the loader declares them (conf/config.json repeats them; ConfigCatalogueTest checks that). */
  private static final AppConfig SHIPPED = ConfigLoader.fromEnvironment(Map.of("PARLEY_JWT_SECRET", SECRET));

  @TempDir
  Path dir;

  private static Map<String, String> env(String... pairs) {
    Map<String, String> env = new HashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    return env;
  }

  private Path file(String json) throws IOException {
    Path path = Files.createTempFile(dir, "config", ".json");
    Files.writeString(path, json);
    return path;
  }

  /**
   * The refusal of these variables: with PARLEY_CONFIG they go through the file loader, else through
   * the environment alone, with a valid secret unless the test names one.
   */
  private static ConfigException refusal(Map<String, String> env) {
    if (env.containsKey("PARLEY_CONFIG")) {
      return assertThrows(ConfigException.class, () -> ConfigLoader.load(env));
    }
    Map<String, String> withSecret = new HashMap<>(env);
    withSecret.putIfAbsent("PARLEY_JWT_SECRET", SECRET);
    return assertThrows(ConfigException.class, () -> ConfigLoader.fromEnvironment(withSecret));
  }

  @Test
  @DisplayName("a file that sets nothing gives the declared defaults")
  void builtInDefaults() throws IOException {
    Path empty = file("{}");
    AppConfig config = ConfigLoader.load(env("PARLEY_CONFIG", empty.toString(), "PARLEY_JWT_SECRET", SECRET));
    assertEquals(SHIPPED, config);
    assertEquals(8080, config.http().port());
    assertEquals(List.of("127.0.0.1:5701", "127.0.0.1:5702", "127.0.0.1:5703"), config.cluster().members());
    assertEquals(Duration.ofSeconds(120), config.chat().recallWindow());
    assertEquals(600_000, config.auth().passwordIterations(), "OWASP's PBKDF2-HMAC-SHA256 figure");
    assertEquals(List.of(), config.http().trustedProxies(), "no proxy is trusted unless configured");
  }

  @Test
  @DisplayName("a secret is required: a file without one and no PARLEY_JWT_SECRET is refused")
  void secretRequired() throws IOException {
    Path empty = file("{}");
    ConfigException refused = refusal(env("PARLEY_CONFIG", empty.toString()));
    assertTrue(refused.getMessage().contains("PARLEY_JWT_SECRET"), refused.getMessage());
  }

  static Stream<Arguments> overrides() {
    return Stream.of(
        override("PARLEY_HTTP_HOST", "0.0.0.0", c -> c.http().host(), "0.0.0.0"),
        override("PARLEY_METRICS_HOST", "0.0.0.0", c -> c.ops().metricsHost(), "0.0.0.0"),
        override("PARLEY_METRICS_PORT", "0", c -> c.ops().metricsPort(), 0),
        override("PARLEY_SHUTDOWN_TIMEOUT_S", "5", c -> c.ops().shutdownTimeout(), Duration.ofSeconds(5)),
        override("PARLEY_HTTP_PORT", "9090", c -> c.http().port(), 9090),
        override("PARLEY_HTTP_PORT", "0", c -> c.http().port(), 0),
        override("PARLEY_HTTP_PORT", " 8443 ", c -> c.http().port(), 8443),
        override("PARLEY_ALLOWED_ORIGINS", "https://a.example, https://b.example",
            c -> c.http().allowedOrigins(), List.of("https://a.example", "https://b.example")),
        override("PARLEY_DB_HOST", "db.internal", c -> c.db().host(), "db.internal"),
        override("PARLEY_DB_PORT", "6543", c -> c.db().port(), 6543),
        override("PARLEY_DB_NAME", "chat_prod", c -> c.db().name(), "chat_prod"),
        override("PARLEY_DB_USER", "parley_app", c -> c.db().user(), "parley_app"),
        override("PARLEY_DB_PASSWORD", " s3cr3t pass ", c -> c.db().password(), " s3cr3t pass "),
        override("PARLEY_DB_POOL_SIZE", "64", c -> c.db().poolSize(), 64),
        override("PARLEY_JWT_SECRET", "another-secret-that-is-long-enough-9876543210", c -> c.auth().jwtSecret(),
            "another-secret-that-is-long-enough-9876543210"),
        override("PARLEY_TOKEN_TTL_MINUTES", "90", c -> c.auth().tokenTtl(), Duration.ofMinutes(90)),
        override("PARLEY_PASSWORD_ITERATIONS", "1000000", c -> c.auth().passwordIterations(), 1_000_000),
        override("PARLEY_LOGIN_WINDOW_S", "300", c -> c.auth().loginWindow(), Duration.ofMinutes(5)),
        override("PARLEY_LOGIN_FAILURE_LIMIT", "3", c -> c.auth().loginFailureLimit(), 3),
        override("PARLEY_LOGIN_ADDRESS_LIMIT", "1000", c -> c.auth().loginAddressLimit(), 1000),
        override("PARLEY_LOGIN_DELAY_BASE_MS", "100", c -> c.auth().loginDelayBase(), Duration.ofMillis(100)),
        override("PARLEY_LOGIN_DELAY_MAX_MS", "9000", c -> c.auth().loginDelayMax(), Duration.ofSeconds(9)),
        override("PARLEY_LOGIN_IN_FLIGHT", "1", c -> c.auth().loginInFlight(), 1),
        override("PARLEY_REGISTRATIONS_PER_HOUR", "5", c -> c.auth().registrationsPerHour(), 5),
        override("PARLEY_HASH_QUEUE_LIMIT", "8", c -> c.auth().hashQueueLimit(), 8),
        override("PARLEY_TRUSTED_PROXIES", "10.0.0.1, 192.168.0.0/16,::1,fd00::/8", c -> c.http().trustedProxies(),
            List.of(AddressRange.parse("10.0.0.1"), AddressRange.parse("192.168.0.0/16"), AddressRange.parse("::1"),
                AddressRange.parse("fd00::/8"))),
        override("PARLEY_HTTP_IDLE_TIMEOUT_S", "30", c -> c.http().idleTimeout(), Duration.ofSeconds(30)),
        override("PARLEY_HTTP_HEADER_TIMEOUT_S", "3", c -> c.http().headerTimeout(), Duration.ofSeconds(3)),
        override("PARLEY_CLUSTER", "false", c -> c.cluster().enabled(), false),
        override("PARLEY_CLUSTER", "FALSE", c -> c.cluster().enabled(), false),
        override("PARLEY_CLUSTER_HOST", "127.0.0.2", c -> c.cluster().host(), "127.0.0.2"),
        override("PARLEY_CLUSTER_PORT", "6701", c -> c.cluster().port(), 6701),
        override("PARLEY_CLUSTER_MEMBERS", "10.0.0.1:5701, 10.0.0.2:5701 ,,10.0.0.3",
            c -> c.cluster().members(), List.of("10.0.0.1:5701", "10.0.0.2:5701", "10.0.0.3")),
        override("PARLEY_CLUSTER_MEMBERS", "solo:5701", c -> c.cluster().members(), List.of("solo:5701")),
        override("PARLEY_CLUSTER_NAME", "staging", c -> c.cluster().name(), "staging"),
        override("PARLEY_RECALL_WINDOW_S", "30", c -> c.chat().recallWindow(), Duration.ofSeconds(30)),
        override("PARLEY_RECALL_WINDOW_S", "0", c -> c.chat().recallWindow(), Duration.ZERO),
        override("PARLEY_RATE_PER_SECOND", "5", c -> c.chat().ratePerSecond(), 5),
        override("PARLEY_RATE_BURST", "7", c -> c.chat().rateBurst(), 7),
        override("PARLEY_SYNC_PAGE_SIZE", "100", c -> c.chat().syncPageSize(), 100),
        override("PARLEY_APPEND_BATCH_SIZE", "64", c -> c.chat().appendBatchSize(), 64));
  }

  private static Arguments override(String name, String value, Function<AppConfig, Object> read, Object expected) {
    return Arguments.of(name, value, read, expected);
  }

  @ParameterizedTest(name = "{0}={1}")
  @MethodSource("overrides")
  @DisplayName("each PARLEY_* variable overrides its key")
  void environmentOverrides(String name, String value, Function<AppConfig, Object> read, Object expected) {
    assertFalse(expected.equals(read.apply(SHIPPED)), "an override equal to the default would prove nothing");
    Map<String, String> vars = env("PARLEY_JWT_SECRET", SECRET);
    vars.put(name, value);
    assertEquals(expected, read.apply(ConfigLoader.fromEnvironment(vars)));
  }

  @Test
  @DisplayName("several variables at once each land in their own field")
  void manyOverrides() {
    AppConfig config = ConfigLoader.fromEnvironment(env(
        "PARLEY_HTTP_PORT", "9001", "PARLEY_DB_HOST", "pg", "PARLEY_DB_PORT", "5433", "PARLEY_DB_NAME", "n",
        "PARLEY_DB_USER", "u", "PARLEY_DB_PASSWORD", "p", "PARLEY_JWT_SECRET", SECRET, "PARLEY_CLUSTER", "false",
        "PARLEY_CLUSTER_MEMBERS", "h1:1,h2:2", "PARLEY_CLUSTER_PORT", "5801", "PARLEY_RECALL_WINDOW_S", "45"));
    assertEquals(new AppConfig.HttpConfig("127.0.0.1", 9001, List.of(), List.of(), Duration.ofSeconds(60),
        Duration.ofSeconds(10)), config.http());
    assertEquals(new AppConfig.DbConfig("pg", 5433, "n", "u", "p", 16, 4), config.db());
    assertEquals(new AppConfig.ClusterConfig(false, "127.0.0.1", 5801, List.of("h1:1", "h2:2"), "parley", 0,
        SHIPPED.cluster().tls(), false), config.cluster());
    assertEquals(Duration.ofSeconds(45), config.chat().recallWindow());
    assertEquals(SHIPPED.auth(), config.auth());
  }

  @Test
  @DisplayName("the environment wins over the file named by PARLEY_CONFIG, which wins over the defaults")
  void precedence() throws IOException {
    Path custom = file("""
        {"http": {"port": 9000}, "auth": {"jwtSecret": "%s"}, "cluster": {"members": ["x:1"]},
         "chat": {"recallWindowSeconds": 60}}""".formatted(SECRET));
    AppConfig fromFile = ConfigLoader.load(env("PARLEY_CONFIG", custom.toString()));
    assertEquals(9000, fromFile.http().port());
    assertEquals(List.of("x:1"), fromFile.cluster().members());
    assertEquals(Duration.ofSeconds(60), fromFile.chat().recallWindow());
    assertEquals(5432, fromFile.db().port(), "keys the file leaves out keep their defaults");

    AppConfig overridden = ConfigLoader.load(env("PARLEY_CONFIG", custom.toString(), "PARLEY_HTTP_PORT", "9100",
        "PARLEY_CLUSTER_MEMBERS", "y:2,z:3", "PARLEY_RECALL_WINDOW_S", "5"));
    assertEquals(9100, overridden.http().port());
    assertEquals(List.of("y:2", "z:3"), overridden.cluster().members());
    assertEquals(Duration.ofSeconds(5), overridden.chat().recallWindow());
  }

  static Stream<Arguments> badValues() {
    return Stream.of(
        Arguments.of("PARLEY_HTTP_PORT", "eighty"),
        Arguments.of("PARLEY_HTTP_PORT", "-1"),
        Arguments.of("PARLEY_HTTP_PORT", "65536"),
        Arguments.of("PARLEY_HTTP_PORT", "80.5"),
        Arguments.of("PARLEY_DB_PORT", "0"),
        Arguments.of("PARLEY_DB_PORT", "5432x"),
        Arguments.of("PARLEY_DB_POOL_SIZE", "0"),
        Arguments.of("PARLEY_TOKEN_TTL_MINUTES", "0"),
        Arguments.of("PARLEY_PASSWORD_ITERATIONS", "999"),
        Arguments.of("PARLEY_LOGIN_FAILURE_LIMIT", "0"),
        Arguments.of("PARLEY_LOGIN_WINDOW_S", "0"),
        Arguments.of("PARLEY_LOGIN_IN_FLIGHT", "0"),
        Arguments.of("PARLEY_HASH_QUEUE_LIMIT", "0"),
        Arguments.of("PARLEY_HTTP_HEADER_TIMEOUT_S", "0"),
        Arguments.of("PARLEY_TRUSTED_PROXIES", "nginx.internal"),
        Arguments.of("PARLEY_TRUSTED_PROXIES", "10.0.0.0/33"),
        Arguments.of("PARLEY_TRUSTED_PROXIES", "10.0.0.1/8/8"),
        Arguments.of("PARLEY_CLUSTER", "yes"),
        Arguments.of("PARLEY_CLUSTER", "1"),
        Arguments.of("PARLEY_CLUSTER_PORT", "0"),
        Arguments.of("PARLEY_CLUSTER_PORT", "70000"),
        Arguments.of("PARLEY_RECALL_WINDOW_S", "-1"),
        Arguments.of("PARLEY_RECALL_WINDOW_S", "2m"),
        Arguments.of("PARLEY_RECALL_WINDOW_S", "31536001"),
        Arguments.of("PARLEY_RATE_PER_SECOND", "0"),
        Arguments.of("PARLEY_RATE_BURST", "many"),
        Arguments.of("PARLEY_SYNC_PAGE_SIZE", "0"),
        Arguments.of("PARLEY_APPEND_BATCH_SIZE", "10001"));
  }

  @ParameterizedTest(name = "{0}={1}")
  @MethodSource("badValues")
  @DisplayName("a bad value is refused with a ConfigException that names the variable and the value")
  void badValue(String name, String value) {
    ConfigException refused = refusal(env(name, value));
    assertTrue(refused.getMessage().contains(name), refused.getMessage());
    assertTrue(refused.getMessage().contains(value), refused.getMessage());
  }

  @Test
  @DisplayName("a bad value in the file is refused with a message naming the variable and the key")
  void badFileValue() throws IOException {
    Path custom = file("{\"http\": {\"port\": \"eighty\"}, \"auth\": {\"jwtSecret\": \"" + SECRET + "\"}}");
    ConfigException refused = refusal(env("PARLEY_CONFIG", custom.toString()));
    assertTrue(refused.getMessage().contains("PARLEY_HTTP_PORT"), refused.getMessage());
    assertTrue(refused.getMessage().contains("http.port"), refused.getMessage());
  }

  @Test
  @DisplayName("a secret shorter than 32 bytes is refused; 32 bytes pass, counted in UTF-8")
  void secretLength() {
    ConfigException refused = refusal(env("PARLEY_JWT_SECRET", "s".repeat(31)));
    assertTrue(refused.getMessage().contains("PARLEY_JWT_SECRET"), refused.getMessage());
    assertFalse(refused.getMessage().contains("s".repeat(31)), "the message must not echo the secret");
    assertEquals("s".repeat(32), ConfigLoader.fromEnvironment(env("PARLEY_JWT_SECRET", "s".repeat(32))).auth().jwtSecret());
    // 16 two-byte characters are 32 bytes; 15 of them and one ASCII letter are 31.
    assertEquals("\u00e9".repeat(16), ConfigLoader.fromEnvironment(env("PARLEY_JWT_SECRET", "\u00e9".repeat(16))).auth().jwtSecret());
    refusal(env("PARLEY_JWT_SECRET", "\u00e9".repeat(15) + "s"));
  }

  @Test
  @DisplayName("the development secret Parley once shipped is refused, and the refusal says how to make a real one")
  void developmentSecret() {
    ConfigException refused = refusal(env("PARLEY_JWT_SECRET", "change-me-in-production-this-is-only-for-local-dev"));
    assertTrue(refused.getMessage().contains("PARLEY_JWT_SECRET"), refused.getMessage());
    assertTrue(refused.getMessage().contains("export PARLEY_JWT_SECRET=$(head -c 48 /dev/urandom | base64)"),
        refused.getMessage());
    assertFalse(refused.getMessage().contains("change-me"), "the message must not echo the secret");
  }

  @Test
  @DisplayName("with no secret anywhere start-up is refused with one line saying how to set it")
  void missingSecretSaysHow() {
    ConfigException refused = assertThrows(ConfigException.class, () -> ConfigLoader.fromEnvironment(Map.of()));
    assertTrue(refused.getMessage().contains("PARLEY_JWT_SECRET"), refused.getMessage());
    assertTrue(refused.getMessage().contains("head -c 48 /dev/urandom"), refused.getMessage());
    assertFalse(refused.getMessage().contains("\n"), refused.getMessage());
  }

  @Test
  @DisplayName("the shipped conf/config.json carries no secret: with it alone a node refuses to start")
  void shippedFileHasNoSecret() {
    ConfigException refused = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(env("PARLEY_CONFIG", Path.of("conf/config.json").toAbsolutePath().toString())));
    assertTrue(refused.getMessage().contains("PARLEY_JWT_SECRET"), refused.getMessage());
  }

  @Test
  @DisplayName("a too short secret is refused with the same advice")
  void shortSecretSaysHow() {
    ConfigException refused = refusal(env("PARLEY_JWT_SECRET", "short"));
    assertTrue(refused.getMessage().contains("head -c 48 /dev/urandom"), refused.getMessage());
  }

  @Test
  @DisplayName("a short secret in the file is refused too")
  void shortSecretInFile() throws IOException {
    Path custom = file("{\"auth\": {\"jwtSecret\": \"too-short\"}}");
    ConfigException refused = refusal(env("PARLEY_CONFIG", custom.toString()));
    assertTrue(refused.getMessage().contains("PARLEY_JWT_SECRET"), refused.getMessage());
  }

  @Test
  @DisplayName("PARLEY_CONFIG naming a file that does not exist is refused, not silently replaced by defaults")
  void missingConfigFile() {
    Path missing = dir.resolve("nowhere/config.json");
    ConfigException refused = refusal(env("PARLEY_CONFIG", missing.toString()));
    assertTrue(refused.getMessage().contains("PARLEY_CONFIG"), refused.getMessage());
    assertTrue(refused.getMessage().contains(missing.toString()), refused.getMessage());
  }

  @Test
  @DisplayName("a config file that is not JSON is refused with its path")
  void malformedConfigFile() throws IOException {
    Path broken = file("{\"http\": {\"port\": 80,,}");
    ConfigException refused = refusal(env("PARLEY_CONFIG", broken.toString()));
    assertTrue(refused.getMessage().contains(broken.toString()), refused.getMessage());
  }
}
