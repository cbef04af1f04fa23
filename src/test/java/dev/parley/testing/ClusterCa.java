package dev.parley.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away cluster CA in a directory, made with the JDK's {@code keytool} as
 * {@code scripts/lib.sh} makes the development one: a CA, a truststore holding only its
 * certificate, and PKCS12 node keystores it issues. Every store shares one random password.
 */
public final class ClusterCa {

  private static final String KEYTOOL = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();

  private final Path dir;
  private final String password = UUID.randomUUID().toString();

  private ClusterCa(Path dir) {
    this.dir = dir;
  }

  /** A new CA (EC P-256, as the scripts use) and its truststore in {@code dir}. */
  public static ClusterCa create(Path dir) {
    ClusterCa ca = new ClusterCa(dir);
    ca.keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1",
        "-dname", "CN=Parley test cluster CA " + dir.getFileName(), "-ext", "bc:c=ca:true,pathlen:0",
        "-ext", "ku:c=keyCertSign,cRLSign", "-validity", "30", "-storetype", "PKCS12",
        "-keystore", ca.path("ca.p12"), "-storepass", ca.password);
    ca.keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", ca.path("ca.p12"), "-storepass", ca.password,
        "-file", ca.path("ca.pem"));
    ca.keytool("-importcert", "-noprompt", "-alias", "ca", "-file", ca.path("ca.pem"), "-storetype", "PKCS12",
        "-keystore", ca.path("truststore.p12"), "-storepass", ca.password);
    return ca;
  }

  public String password() {
    return password;
  }

  /** The CA's certificate (PEM). */
  public Path caCertificate() {
    return dir.resolve("ca.pem");
  }

  /** The truststore: the CA's certificate only. */
  public Path truststore() {
    return dir.resolve("truststore.p12");
  }

  /** A keystore with a key for {@code name} and its certificate chain from this CA (SAN 127.0.0.1). */
  public Path issue(String name) {
    String keystore = path(name + ".p12");
    keytool("-genkeypair", "-alias", "node", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name,
        "-validity", "30", "-storetype", "PKCS12", "-keystore", keystore, "-storepass", password);
    keytool("-certreq", "-alias", "node", "-keystore", keystore, "-storepass", password, "-file", path(name + ".csr"));
    keytool("-gencert", "-alias", "ca", "-keystore", path("ca.p12"), "-storepass", password,
        "-infile", path(name + ".csr"), "-outfile", path(name + ".pem"), "-rfc", "-validity", "30",
        "-ext", "ku:c=digitalSignature", "-ext", "eku=serverAuth,clientAuth", "-ext", "san=ip:127.0.0.1");
    try {
      Files.writeString(dir.resolve(name + "-chain.pem"),
          Files.readString(dir.resolve(name + ".pem")) + Files.readString(dir.resolve("ca.pem")));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    keytool("-importcert", "-noprompt", "-alias", "node", "-file", path(name + "-chain.pem"), "-keystore", keystore,
        "-storepass", password);
    return Path.of(keystore);
  }

  /** A keystore with a self-signed certificate for {@code name}: what a rogue can make without the CA. */
  public Path selfSigned(String name) {
    String keystore = path(name + ".p12");
    keytool("-genkeypair", "-alias", "node", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name,
        "-ext", "san=ip:127.0.0.1", "-validity", "30", "-storetype", "PKCS12", "-keystore", keystore,
        "-storepass", password);
    return Path.of(keystore);
  }

  /** The PARLEY_CLUSTER_TLS_* variables for a node holding {@code keystore}. */
  public Map<String, String> nodeEnvironment(Path keystore) {
    return Map.of(
        "PARLEY_CLUSTER_TLS_KEYSTORE", keystore.toString(),
        "PARLEY_CLUSTER_TLS_KEYSTORE_PASSWORD", password,
        "PARLEY_CLUSTER_TLS_TRUSTSTORE", truststore().toString(),
        "PARLEY_CLUSTER_TLS_TRUSTSTORE_PASSWORD", password);
  }

  private String path(String file) {
    return dir.resolve(file).toString();
  }

  private void keytool(String... args) {
    // A short-lived JVM per call: the quick JIT tier and the serial collector halve its start-up.
    List<String> command = new ArrayList<>(List.of(KEYTOOL, "-J-XX:TieredStopAtLevel=1", "-J-XX:+UseSerialGC"));
    command.addAll(List.of(args));
    try {
      Path output = Files.createTempFile(dir, "keytool", ".log");
      Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("keytool " + args[0] + " did not finish within 60 s");
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException("keytool " + args[0] + " failed: " + Files.readString(output));
      }
      Files.delete(output);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
