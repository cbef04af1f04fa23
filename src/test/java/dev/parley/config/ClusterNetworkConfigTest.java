package dev.parley.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.testing.ClusterCa;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster settings checked together at start-up: the interface, TLS on any non-loopback one
 * (or an explicit PARLEY_CLUSTER_INSECURE), and TLS stores that open and fit together. Each refusal
 * is one line naming the setting.
 */
class ClusterNetworkConfigTest {

  private static final String SECRET = "a-test-secret-that-is-long-enough-0123456789";

  @TempDir
  static Path dir;

  private static ClusterCa ca;
  private static Path nodeKeystore;
  private static Path strangerKeystore;

  @BeforeAll
  static void certificates() throws IOException {
    ca = ClusterCa.create(Files.createDirectory(dir.resolve("ca")));
    nodeKeystore = ca.issue("node0");
    strangerKeystore = ca.selfSigned("stranger");
  }

  private static AppConfig load(Map<String, String> vars) {
    Map<String, String> env = new HashMap<>(vars);
    env.put("PARLEY_JWT_SECRET", SECRET);
    return ConfigLoader.fromEnvironment(env);
  }

  private static String refusal(Map<String, String> vars) {
    String message = assertThrows(ConfigException.class, () -> load(vars)).getMessage();
    assertFalse(message.contains("\n"), "one line: " + message);
    return message;
  }

  private static Map<String, String> with(Map<String, String> base, String... pairs) {
    Map<String, String> env = new HashMap<>(base);
    for (int i = 0; i < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    return env;
  }

  @Test
  @DisplayName("a node on a non-loopback cluster interface without TLS refuses to start, saying how to fix it")
  void nonLoopbackNeedsTls() {
    String message = refusal(Map.of("PARLEY_CLUSTER_HOST", "10.0.0.5"));
    assertTrue(message.startsWith("PARLEY_CLUSTER_HOST (cluster.host): 10.0.0.5 is not loopback"), message);
    assertTrue(message.contains("PARLEY_CLUSTER_TLS_KEYSTORE") && message.contains("PARLEY_CLUSTER_TLS_TRUSTSTORE"),
        message);
    assertTrue(message.contains("PARLEY_CLUSTER_INSECURE=true"), message);
  }

  @Test
  @DisplayName("PARLEY_CLUSTER_INSECURE=true lets a non-loopback interface run without TLS; loopback needs neither")
  void insecureIsExplicit() {
    AppConfig insecure = load(Map.of("PARLEY_CLUSTER_HOST", "10.0.0.5", "PARLEY_CLUSTER_INSECURE", "true"));
    assertEquals("10.0.0.5", insecure.cluster().host());
    assertFalse(insecure.cluster().tls().enabled());
    assertTrue(insecure.cluster().insecure());

    AppConfig loopback = load(Map.of());
    assertEquals("127.0.0.1", loopback.cluster().host());
    assertFalse(loopback.cluster().tls().enabled());
    assertFalse(loopback.cluster().insecure());
    assertEquals("127.0.0.1", load(Map.of("PARLEY_CLUSTER_HOST", "localhost")).cluster().host().replace("0:0:0:0:0:0:0:1", "127.0.0.1"),
        "a name is resolved once to the address every socket binds");
  }

  @Test
  @DisplayName("a stand-alone node (PARLEY_CLUSTER=false) opens no cluster socket, so its cluster host is not checked")
  void standAloneNotChecked() {
    assertEquals("10.0.0.5", load(Map.of("PARLEY_CLUSTER", "false", "PARLEY_CLUSTER_HOST", "10.0.0.5")).cluster().host());
  }

  @Test
  @DisplayName("a wildcard cluster host is refused: the cluster sockets listen on one interface")
  void wildcardRefused() {
    assertTrue(refusal(Map.of("PARLEY_CLUSTER_HOST", "0.0.0.0", "PARLEY_CLUSTER_INSECURE", "true"))
        .contains("is a wildcard"));
    assertTrue(refusal(Map.of("PARLEY_CLUSTER_HOST", "::", "PARLEY_CLUSTER_INSECURE", "true")).contains("is a wildcard"));
  }

  @Test
  @DisplayName("a keystore and truststore from the cluster CA enable TLS on any interface")
  void tlsEnabled() {
    AppConfig config = load(with(ca.nodeEnvironment(nodeKeystore), "PARLEY_CLUSTER_HOST", "10.0.0.5"));
    assertTrue(config.cluster().tls().enabled());
    assertEquals(nodeKeystore.toString(), config.cluster().tls().keystore());
    assertEquals(ca.truststore().toString(), config.cluster().tls().truststore());
    assertFalse(config.cluster().tls().toString().contains(ca.password()), "passwords stay out of toString");
    assertTrue(load(ca.nodeEnvironment(nodeKeystore)).cluster().tls().enabled(), "TLS on loopback is allowed too");
  }

  @Test
  @DisplayName("a keystore without a truststore (or the reverse) is refused")
  void bothStoresOrNeither() {
    Map<String, String> env = new HashMap<>(ca.nodeEnvironment(nodeKeystore));
    env.remove("PARLEY_CLUSTER_TLS_TRUSTSTORE");
    assertTrue(refusal(env).contains("set both"));
    env = new HashMap<>(ca.nodeEnvironment(nodeKeystore));
    env.remove("PARLEY_CLUSTER_TLS_KEYSTORE");
    assertTrue(refusal(env).contains("set both"));
  }

  @Test
  @DisplayName("a missing or unreadable keystore is one clear line naming the setting and the file")
  void missingKeystore() {
    Path missing = dir.resolve("no-such.p12");
    String message = refusal(with(ca.nodeEnvironment(nodeKeystore), "PARLEY_CLUSTER_TLS_KEYSTORE", missing.toString()));
    assertEquals("PARLEY_CLUSTER_TLS_KEYSTORE (cluster.tls.keystore): " + missing + " is not a readable file", message);
    String directory = refusal(with(ca.nodeEnvironment(nodeKeystore), "PARLEY_CLUSTER_TLS_TRUSTSTORE", dir.toString()));
    assertTrue(directory.startsWith("PARLEY_CLUSTER_TLS_TRUSTSTORE (cluster.tls.truststore): "), directory);
  }

  @Test
  @DisplayName("a wrong password, or a file that is not PKCS12, is refused naming the password variable")
  void wrongPasswordOrFormat() throws IOException {
    String wrong = refusal(with(ca.nodeEnvironment(nodeKeystore), "PARLEY_CLUSTER_TLS_KEYSTORE_PASSWORD", "not-it"));
    assertTrue(wrong.contains("does not open as PKCS12 with PARLEY_CLUSTER_TLS_KEYSTORE_PASSWORD"), wrong);
    assertFalse(wrong.contains(ca.password()) || wrong.contains("not-it"), "no password in the message: " + wrong);
    Path text = Files.writeString(dir.resolve("not-a-store.p12"), "hello");
    String format = refusal(with(ca.nodeEnvironment(nodeKeystore), "PARLEY_CLUSTER_TLS_TRUSTSTORE", text.toString()));
    assertTrue(format.contains("does not open as PKCS12 with PARLEY_CLUSTER_TLS_TRUSTSTORE_PASSWORD"), format);
  }

  @Test
  @DisplayName("a node certificate from another CA than the truststore's, or a self-signed one, is refused: peers would reject it")
  void certificateFromAnotherCa() throws Exception {
    Path strangerOnly = truststore("stranger-only.p12", certificate(strangerKeystore));
    assertTrue(refusal(with(ca.nodeEnvironment(nodeKeystore), "PARLEY_CLUSTER_TLS_TRUSTSTORE", strangerOnly.toString()))
        .contains("is not issued by a CA in PARLEY_CLUSTER_TLS_TRUSTSTORE"));
    assertTrue(refusal(ca.nodeEnvironment(strangerKeystore)).contains("is not issued by a CA in PARLEY_CLUSTER_TLS_TRUSTSTORE"));
  }

  @Test
  @DisplayName("a truststore holding a list of CAs (not the cluster CA alone) is refused; two (one being rotated in) pass")
  void truststoreHoldsClusterCaOnly() throws Exception {
    Certificate clusterCa = certificate(ca.caCertificate());
    Path two = truststore("two.p12", clusterCa, certificate(strangerKeystore));
    Path three = truststore("three.p12", clusterCa, certificate(strangerKeystore), certificate(nodeKeystore));
    assertTrue(load(with(ca.nodeEnvironment(nodeKeystore), "PARLEY_CLUSTER_TLS_TRUSTSTORE", two.toString()))
        .cluster().tls().enabled());
    String message = refusal(with(ca.nodeEnvironment(nodeKeystore), "PARLEY_CLUSTER_TLS_TRUSTSTORE", three.toString()));
    assertTrue(message.contains("holds 3 certificates; it must hold only the cluster CA"), message);
  }

  /** The certificate of a PEM file, or of the key in a PKCS12 keystore (under the CA's password). */
  private static Certificate certificate(Path file) throws Exception {
    if (file.toString().endsWith(".pem")) {
      try (InputStream in = Files.newInputStream(file)) {
        return CertificateFactory.getInstance("X.509").generateCertificate(in);
      }
    }
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(file)) {
      store.load(in, ca.password().toCharArray());
    }
    return store.getCertificate(store.aliases().nextElement());
  }

  /** A PKCS12 truststore with these certificates, under the CA's password. */
  private static Path truststore(String name, Certificate... certificates) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    for (int i = 0; i < certificates.length; i++) {
      store.setCertificateEntry("trusted" + i, certificates[i]);
    }
    Path file = dir.resolve(name);
    try (OutputStream out = Files.newOutputStream(file)) {
      store.store(out, ca.password().toCharArray());
    }
    return file;
  }
}
