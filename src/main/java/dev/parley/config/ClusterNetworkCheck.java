package dev.parley.config;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The cluster settings that only make sense together, checked at start-up so that a mistake is one
 * line naming the setting rather than a refused handshake between nodes later:
 * <ul>
 *   <li>{@code cluster.host} is one address of this machine, never a wildcard (the cluster sockets
 *       listen on it alone);</li>
 *   <li>a host that is not loopback needs event-bus TLS, or an explicit {@code cluster.insecure};</li>
 *   <li>the TLS stores open with their passwords, the keystore holds one node key whose certificate
 *       is valid now and issued by a CA in the truststore, and the truststore holds the cluster CA
 *       only, not a public list.</li>
 * </ul>
 */
final class ClusterNetworkCheck {

  /**
   * Most certificates a truststore may hold: the cluster CA, and its successor while it is being
   * rotated. A public CA list (the JDK's cacerts, say) would let any certificate they issue join.
   */
  static final int MAX_TRUSTED = 2;

  private static final String HOST = "PARLEY_CLUSTER_HOST (cluster.host)";
  private static final String KEYSTORE = "PARLEY_CLUSTER_TLS_KEYSTORE (cluster.tls.keystore)";
  private static final String TRUSTSTORE = "PARLEY_CLUSTER_TLS_TRUSTSTORE (cluster.tls.truststore)";

  private ClusterNetworkCheck() {}

  /** The settings with {@code host} resolved to its IP address, or a {@link ConfigException}. */
  static AppConfig.ClusterConfig check(AppConfig.ClusterConfig cluster) {
    InetAddress host = address(cluster.host());
    AppConfig.ClusterTlsConfig tls = cluster.tls();
    if (tls.keystore().isEmpty() != tls.truststore().isEmpty()) {
      throw new ConfigException("PARLEY_CLUSTER_TLS_KEYSTORE and PARLEY_CLUSTER_TLS_TRUSTSTORE (cluster.tls.*): "
          + "set both (event-bus mutual TLS) or neither");
    }
    if (tls.enabled()) {
      List<X509Certificate> trusted = trusted(tls);
      checkNodeKey(tls, trusted);
    } else if (!host.isLoopbackAddress() && !cluster.insecure()) {
      throw new ConfigException(HOST + ": " + host.getHostAddress() + " is not loopback, so the event bus needs "
          + "mutual TLS: set PARLEY_CLUSTER_TLS_KEYSTORE and PARLEY_CLUSTER_TLS_TRUSTSTORE (see README, Clustering), "
          + "or PARLEY_CLUSTER_INSECURE=true to run it as plain TCP on a network you trust");
    }
    return new AppConfig.ClusterConfig(cluster.enabled(), host.getHostAddress(), cluster.port(), cluster.members(),
        cluster.name(), cluster.eventBusPort(), tls, cluster.insecure());
  }

  /** An IP address, or a name resolved once, here (so that every socket binds the same address). */
  private static InetAddress address(String host) {
    InetAddress address;
    try {
      address = InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      throw new ConfigException(HOST + ": '" + host + "' does not resolve to an address");
    }
    if (address.isAnyLocalAddress()) {
      throw new ConfigException(HOST + ": '" + host + "' is a wildcard; name the one interface the cluster uses "
          + "(the cluster sockets listen on it alone)");
    }
    return address;
  }

  private static List<X509Certificate> trusted(AppConfig.ClusterTlsConfig tls) {
    KeyStore store = open(TRUSTSTORE, "PARLEY_CLUSTER_TLS_TRUSTSTORE_PASSWORD", tls.truststore(),
        tls.truststorePassword());
    List<X509Certificate> trusted = new ArrayList<>();
    try {
      for (String alias : Collections.list(store.aliases())) {
        if (store.isCertificateEntry(alias) && store.getCertificate(alias) instanceof X509Certificate cert) {
          trusted.add(cert);
        }
      }
    } catch (GeneralSecurityException e) {
      throw new ConfigException(TRUSTSTORE + ": " + tls.truststore() + " cannot be read (" + e.getMessage() + ")");
    }
    if (trusted.isEmpty()) {
      throw new ConfigException(TRUSTSTORE + ": " + tls.truststore() + " holds no trusted certificate; "
          + "it must hold the cluster CA's");
    }
    if (trusted.size() > MAX_TRUSTED) {
      throw new ConfigException(TRUSTSTORE + ": " + tls.truststore() + " holds " + trusted.size()
          + " certificates; it must hold only the cluster CA (at most " + MAX_TRUSTED + " while rotating it): "
          + "any CA in it can admit a node");
    }
    return trusted;
  }

  private static void checkNodeKey(AppConfig.ClusterTlsConfig tls, List<X509Certificate> trusted) {
    KeyStore store = open(KEYSTORE, "PARLEY_CLUSTER_TLS_KEYSTORE_PASSWORD", tls.keystore(), tls.keystorePassword());
    List<String> keys = new ArrayList<>();
    Certificate[] chain;
    try {
      for (String alias : Collections.list(store.aliases())) {
        if (store.isKeyEntry(alias)) {
          keys.add(alias);
        }
      }
      if (keys.size() != 1) {
        throw new ConfigException(KEYSTORE + ": " + tls.keystore() + " holds " + keys.size()
            + " private keys; it must hold exactly this node's one");
      }
      store.getKey(keys.get(0), tls.keystorePassword().toCharArray());
      chain = store.getCertificateChain(keys.get(0));
    } catch (UnrecoverableKeyException e) {
      throw new ConfigException(KEYSTORE + ": the key in " + tls.keystore()
          + " does not open with PARLEY_CLUSTER_TLS_KEYSTORE_PASSWORD (it must be the store's password)");
    } catch (GeneralSecurityException e) {
      throw new ConfigException(KEYSTORE + ": " + tls.keystore() + " cannot be read (" + e.getMessage() + ")");
    }
    if (chain == null || chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
      throw new ConfigException(KEYSTORE + ": the key in " + tls.keystore() + " has no X.509 certificate");
    }
    try {
      leaf.checkValidity();
    } catch (CertificateExpiredException | CertificateNotYetValidException e) {
      throw new ConfigException(KEYSTORE + ": the certificate in " + tls.keystore() + " is valid from "
          + leaf.getNotBefore().toInstant() + " to " + leaf.getNotAfter().toInstant() + ", not now");
    }
    if (!issuedByTrusted(chain, trusted)) {
      throw new ConfigException(KEYSTORE + ": the certificate in " + tls.keystore() + " (" + leaf.getSubjectX500Principal()
          + ") is not issued by a CA in PARLEY_CLUSTER_TLS_TRUSTSTORE, so peers would refuse it");
    }
  }

  /** Whether some certificate of the chain is a trusted one or is signed by one. */
  private static boolean issuedByTrusted(Certificate[] chain, List<X509Certificate> trusted) {
    for (Certificate cert : chain) {
      for (X509Certificate ca : trusted) {
        if (cert.equals(ca)) {
          return true;
        }
        try {
          cert.verify(ca.getPublicKey());
          return true;
        } catch (GeneralSecurityException notThisOne) {
          // signed by another key: try the next trusted certificate
        }
      }
    }
    return false;
  }

  private static KeyStore open(String setting, String passwordVariable, String file, String password) {
    Path path = Path.of(file);
    if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
      throw new ConfigException(setting + ": " + file + " is not a readable file");
    }
    try (InputStream in = Files.newInputStream(path)) {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(in, password.toCharArray());
      return store;
    } catch (IOException | GeneralSecurityException e) {
      throw new ConfigException(setting + ": " + file + " does not open as PKCS12 with " + passwordVariable
          + " (wrong password, or not a PKCS12 file)");
    }
  }
}
