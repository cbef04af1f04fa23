package dev.parley.cluster;

import static dev.parley.testing.ChatClient.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.hazelcast.core.HazelcastInstance;
import dev.parley.ParleyNode;
import dev.parley.bus.Addresses;
import dev.parley.bus.Codecs;
import dev.parley.bus.Delivery;
import dev.parley.bus.DeliveryBatch;
import dev.parley.bus.Fanout;
import dev.parley.config.AppConfig;
import dev.parley.config.ConfigLoader;
import dev.parley.protocol.Json;
import dev.parley.testing.Api;
import dev.parley.testing.ChatClient;
import dev.parley.testing.ClusterCa;
import dev.parley.testing.TestCluster;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.net.PfxOptions;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.core.spi.cluster.RegistrationInfo;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster network of two real nodes with event-bus mutual TLS (certificates from a CA made in
 * the test's directory): the cluster sockets listen on the cluster interface only, and a clustered
 * Vert.x in this JVM that knows the cluster name and the member list but holds no certificate from
 * the CA joins Hazelcast yet neither reads a delivery nor gets a forged one to a socket.
 *
 * <p>A witness, a clustered Vert.x holding a CA-issued certificate, listens on the delivery address
 * too: it receiving a message proves that the nodes published it to every member subscribed, so a
 * rogue receiving nothing by then is isolation, not a race with the subscription.
 */
class ClusterIsolationIT {

  private static final int TIMEOUT_S = 60;

  @TempDir
  static Path certificates;

  private static ClusterCa ca;
  private static TestCluster cluster;
  private static Api api;
  private static Member witness;

  @BeforeAll
  static void start() {
    ca = ClusterCa.create(certificates);
    List<Path> keystores = List.of(ca.issue("node0"), ca.issue("node1"));
    cluster = TestCluster.start(2, TestCluster.Settings.DEFAULTS, node -> ca.nodeEnvironment(keystores.get(node)));
    api = cluster.api(0);
    EventBusOptions certified = new EventBusOptions();
    ClusterSetup.configureEventBus(certified, clusterConfig(ca.nodeEnvironment(ca.issue("witness"))));
    witness = Member.join(certified);
  }

  @AfterAll
  static void stop() {
    try {
      if (witness != null) {
        witness.close();
      }
    } finally {
      if (cluster != null) {
        cluster.close();
      }
    }
  }

  @Test
  @DisplayName("Hazelcast's member socket and the event bus listen on the cluster interface (127.0.0.1) only, never on a wildcard")
  void socketsBoundToClusterInterface() throws IOException {
    for (int node = 0; node < cluster.size(); node++) {
      for (int port : clusterPorts(cluster.node(node))) {
        assertEquals(Set.of(InetAddress.getByName("127.0.0.1")), listeningAddresses(port),
            "node " + node + " port " + port + " listens on exactly the cluster interface");
      }
    }
  }

  @Test
  @DisplayName("from this machine's own non-loopback address the cluster ports refuse connections")
  void clusterPortsUnreachableFromOtherInterfaces() throws IOException {
    Optional<InetAddress> external = nonLoopbackAddress();
    assumeTrue(external.isPresent(), "this machine has no non-loopback IPv4 address");
    for (int node = 0; node < cluster.size(); node++) {
      for (int port : clusterPorts(cluster.node(node))) {
        try (Socket socket = new Socket()) {
          assertThrows(ConnectException.class, () -> socket.connect(new InetSocketAddress(external.get(), port), 5_000),
              "node " + node + " port " + port + " via " + external.get());
        }
      }
    }
  }

  @Test
  @DisplayName("the event-bus port speaks TLS only: a handshake is refused without a client certificate or with a self-signed one, and it presents a certificate from the cluster CA")
  void eventBusRequiresClientCertificate() throws Exception {
    int port = eventBusPort(cluster.node(1));

    try (SSLSocket socket = tlsSocket(null, port)) {
      X509Certificate server = (X509Certificate) socket.getSession().getPeerCertificates()[0];
      assertEquals("CN=node1", server.getSubjectX500Principal().getName(), "the node presents its own certificate");
      assertTrue(server.getIssuerX500Principal().getName().startsWith("CN=Parley test cluster CA"), server.toString());
      assertThrows(SSLException.class, () -> socket.getInputStream().read(),
          "without a client certificate the node ends the handshake (TLS 1.3 reports it on the first read)");
    }
    try (SSLSocket socket = tlsSocket(ca.selfSigned("stranger"), port)) {
      assertThrows(SSLException.class, () -> socket.getInputStream().read(),
          "a certificate the cluster CA did not issue is refused");
    }
    try (Socket plain = new Socket("127.0.0.1", port)) {
      plain.setSoTimeout(TIMEOUT_S * 1000);
      plain.getOutputStream().write(new byte[] {0, 0, 0, 16, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
      assertFalse(answersWithData(plain.getInputStream()), "plain TCP gets no event-bus frame back");
    }
  }

  @Test
  @DisplayName("with TLS on, messages cross between the two nodes both ways")
  void crossNodeDeliveryWithTls() {
    Api.Account alice = api.newAccount("alice");
    Api.Account bob = api.newAccount("bob");
    long conversation = api.direct(alice, bob);
    try (ChatClient aliceOn0 = ChatClient.login(cluster.port(0), alice, "a");
         ChatClient bobOn1 = ChatClient.login(cluster.port(1), bob, "b")) {
      aliceOn0.sendMessage(conversation, "tls-1", "over the TLS event bus");
      assertEquals("over the TLS event bus", bobOn1.await(event("message", conversation)).get("text").asText());
      bobOn1.sendMessage(conversation, "tls-2", "and back");
      assertEquals("and back", aliceOn0.await(event("message", conversation)).get("text").asText());
    }
  }

  @Test
  @DisplayName("a clustered Vert.x without a certificate joins Hazelcast but receives no delivery, and its forged delivery reaches no socket")
  void rogueWithoutCertificateIsolated() {
    EventBusOptions plain = new EventBusOptions();
    ClusterSetup.configureEventBus(plain, clusterConfig(Map.of()));
    assertRogueIsolated(plain);
  }

  @Test
  @DisplayName("a clustered Vert.x with a self-signed certificate (not from the cluster CA) is isolated the same way")
  void rogueWithSelfSignedCertificateIsolated() {
    EventBusOptions selfSigned = new EventBusOptions();
    ClusterSetup.configureEventBus(selfSigned, clusterConfig(Map.of()));
    // The rogue's best effort: TLS with its own certificate, trusting any server, asking no client for one.
    selfSigned.setSsl(true)
        .setKeyCertOptions(new PfxOptions().setPath(ca.selfSigned("rogue").toString()).setPassword(ca.password()))
        .setTrustAll(true)
        .setClientAuth(ClientAuth.NONE);
    assertRogueIsolated(selfSigned);
  }

  @Test
  @DisplayName("control: a member holding a certificate from the cluster CA receives deliveries and its publish reaches a socket")
  void certifiedMemberIsTrusted() {
    Api.Account alice = api.newAccount("alice");
    Api.Account bob = api.newAccount("bob");
    long conversation = api.direct(alice, bob);
    try (ChatClient aliceOn0 = ChatClient.login(cluster.port(0), alice, "a");
         ChatClient bobOn1 = ChatClient.login(cluster.port(1), bob, "b")) {
      List<String> frames = witness.listen();
      sendUntilSeen(aliceOn0, bobOn1, conversation, frames, "control");
      witness.publish(Delivery.plain(conversation, new long[] {bob.id()}, null, forgedFrame(conversation, alice, "certified")));
      assertEquals("certified", bobOn1.await(event("message", conversation).and(f -> f.path("seq").asLong() == 999_999))
          .get("text").asText());
    }
  }

  /**
   * The rogue joins the Hazelcast membership and subscribes to the delivery address; once the nodes
   * list its subscription, real traffic flows until the witness (subscribed after the rogue) has a
   * message, then the rogue must have none. Then it publishes a forged message to bob: bob receives
   * the real message sent after it and the witness's publish after that, but never the forgery.
   */
  private static void assertRogueIsolated(EventBusOptions rogueBus) {
    Api.Account alice = api.newAccount("alice");
    Api.Account bob = api.newAccount("bob");
    long conversation = api.direct(alice, bob);
    try (Member rogue = Member.join(rogueBus);
         ChatClient aliceOn0 = ChatClient.login(cluster.port(0), alice, "a");
         ChatClient bobOn1 = ChatClient.login(cluster.port(1), bob, "b")) {
      assertEquals(cluster.size() + 2, rogue.hazelcast().getCluster().getMembers().size(),
          "the rogue is in the Hazelcast membership (open-source Hazelcast admits whoever knows the name)");
      List<String> stolen = rogue.listen();
      awaitRegisteredOnEveryNode(rogue.nodeId());
      List<String> witnessed = witness.listen();

      String secret = sendUntilSeen(aliceOn0, bobOn1, conversation, witnessed, "secret");
      assertTrue(stolen.isEmpty(), "the rogue received deliveries: " + stolen);

      rogue.publish(Delivery.plain(conversation, new long[] {bob.id()}, null, forgedFrame(conversation, alice, "FORGED")));
      aliceOn0.sendMessage(conversation, "after-forgery", "sent after the forgery");
      bobOn1.await(event("message", conversation).and(f -> "sent after the forgery".equals(f.path("text").asText())));
      witness.publish(Delivery.plain(conversation, new long[] {bob.id()}, null, forgedFrame(conversation, alice, "probe")));
      bobOn1.await(event("message", conversation).and(f -> "probe".equals(f.path("text").asText())));

      assertTrue(bobOn1.received().stream().noneMatch(f -> "FORGED".equals(f.path("text").asText())),
          "bob's socket got the forged frame: " + bobOn1.received());
      assertTrue(stolen.stream().allMatch(frame -> frame.contains("FORGED")),
          "the rogue got only its own forgery (delivered to itself), nothing of alice's, e.g. " + secret + ": " + stolen);
    }
  }

  /**
   * Alice sends bob messages until {@code frames} (a subscriber's deliveries) holds one; each is
   * awaited at bob first. Returns the text that was seen.
   */
  private static String sendUntilSeen(ChatClient sender, ChatClient recipient, long conversation, List<String> frames,
                                      String prefix) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
    for (int i = 0; System.nanoTime() < deadline; i++) {
      String text = prefix + "-" + i;
      sender.sendMessage(conversation, prefix + "-id-" + i, text);
      recipient.await(event("message", conversation).and(f -> text.equals(f.path("text").asText())));
      if (awaitContains(frames, "\"" + text + "\"", 1_000)) {
        return text;
      }
    }
    throw new AssertionError("the subscriber saw none of the messages within " + TIMEOUT_S + " s");
  }

  /** Whether some frame contains {@code needle} within {@code millis} (an outcome wait, not a sleep). */
  private static boolean awaitContains(List<String> frames, String needle, long millis) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    synchronized (frames) {
      while (frames.stream().noneMatch(frame -> frame.contains(needle))) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(frames, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError("interrupted");
        }
      }
      return true;
    }
  }

  /** Waits until both nodes' cluster managers list a delivery subscription of {@code nodeId}. */
  private static void awaitRegisteredOnEveryNode(String nodeId) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
    for (int node = 0; node < cluster.size(); node++) {
      ClusterManager manager = ((VertxInternal) cluster.node(node).vertx()).clusterManager();
      while (true) {
        Promise<List<RegistrationInfo>> registrations = Promise.promise();
        manager.getRegistrations(Addresses.DELIVER, registrations);
        List<RegistrationInfo> listed = await(registrations.future());
        if (listed.stream().anyMatch(info -> info.nodeId().equals(nodeId))) {
          break;
        }
        if (System.nanoTime() > deadline) {
          throw new AssertionError("node " + node + " never listed the subscription of " + nodeId + ": " + listed);
        }
        java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
      }
    }
  }

  /** A message event as a node would write it, from alice, with a seq no real message has. */
  private static String forgedFrame(long conversation, Api.Account alice, String text) {
    return Json.mapper().createObjectNode().put("type", "message").put("conversationId", conversation)
        .put("seq", 999_999).put("messageId", 999_999).put("senderId", alice.id()).put("text", text)
        .put("ts", System.currentTimeMillis()).put("status", "normal").toString();
  }

  /** Cluster settings as an attacker who read the member list and the cluster name would set them. */
  private static AppConfig.ClusterConfig clusterConfig(Map<String, String> extra) {
    Map<String, String> env = new HashMap<>(extra);
    env.put("PARLEY_JWT_SECRET", TestCluster.JWT_SECRET);
    env.put("PARLEY_CLUSTER_NAME", cluster.clusterName());
    env.put("PARLEY_CLUSTER_MEMBERS", String.join(",", cluster.members()));
    env.put("PARLEY_CLUSTER_PORT", Integer.toString(TestCluster.freePorts(1)));
    return ConfigLoader.fromEnvironment(env).cluster();
  }

  /** A bare clustered Vert.x (no Parley verticles) with Parley's codecs, on the test cluster. */
  private record Member(Vertx vertx, AppConfig.ClusterConfig config) implements AutoCloseable {

    static Member join(EventBusOptions bus) {
      AppConfig.ClusterConfig config = clusterConfig(Map.of());
      Vertx vertx = await(Vertx.builder().with(new VertxOptions().setEventBusOptions(bus))
          .withClusterManager(new HazelcastClusterManager(ClusterSetup.hazelcast(config))).buildClustered());
      Codecs.register(vertx.eventBus());
      return new Member(vertx, config);
    }

    String nodeId() {
      return ((VertxInternal) vertx).clusterManager().getNodeId();
    }

    HazelcastInstance hazelcast() {
      return ((HazelcastClusterManager) ((VertxInternal) vertx).clusterManager()).getHazelcastInstance();
    }

    /** Subscribes to the delivery address; returns the frames it receives, as they arrive (notifying on the list). */
    List<String> listen() {
      List<String> frames = Collections.synchronizedList(new ArrayList<>());
      MessageConsumer<DeliveryBatch> consumer = vertx.eventBus().consumer(Addresses.DELIVER, message -> {
        synchronized (frames) {
          message.body().deliveries().forEach(delivery -> frames.add(delivery.frame()));
          frames.notifyAll();
        }
      });
      await(consumer.completion());
      return frames;
    }

    void publish(Delivery delivery) {
      new Fanout(vertx.eventBus()).publish(delivery);
    }

    @Override
    public void close() {
      await(vertx.close());
    }
  }

  // ---- sockets ----

  /** The Hazelcast member port and the event-bus port of a node. */
  private static List<Integer> clusterPorts(ParleyNode node) {
    HazelcastInstance hz = ((HazelcastClusterManager) ((VertxInternal) node.vertx()).clusterManager())
        .getHazelcastInstance();
    return List.of(hz.getCluster().getLocalMember().getAddress().getPort(), eventBusPort(node));
  }

  private static int eventBusPort(ParleyNode node) {
    return ((VertxInternal) node.vertx()).clusterManager().getNodeInfo().port();
  }

  /** The local addresses of the sockets listening on {@code port}, from the kernel's tables. */
  private static Set<InetAddress> listeningAddresses(int port) throws IOException {
    Set<InetAddress> addresses = new HashSet<>();
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      Path path = Path.of(table);
      if (!Files.exists(path)) {
        continue;
      }
      List<String> lines = Files.readAllLines(path);
      for (String line : lines.subList(1, lines.size())) {
        String[] fields = line.trim().split("\\s+");
        String[] local = fields[1].split(":");
        boolean listening = "0A".equals(fields[3]);
        if (listening && Integer.parseInt(local[1], 16) == port) {
          addresses.add(kernelAddress(local[0]));
        }
      }
    }
    assertFalse(addresses.isEmpty(), "something listens on port " + port);
    return addresses;
  }

  /** /proc/net/tcp[6] writes an address as 32-bit words in host (little-endian) byte order. */
  private static InetAddress kernelAddress(String hex) throws IOException {
    byte[] bytes = new byte[hex.length() / 2];
    for (int word = 0; word < bytes.length / 4; word++) {
      for (int b = 0; b < 4; b++) {
        int at = word * 8 + (3 - b) * 2;
        bytes[word * 4 + b] = (byte) Integer.parseInt(hex.substring(at, at + 2), 16);
      }
    }
    return InetAddress.getByAddress(bytes);
  }

  private static Optional<InetAddress> nonLoopbackAddress() throws IOException {
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (!nic.isUp() || nic.isLoopback()) {
        continue;
      }
      for (InetAddress address : Collections.list(nic.getInetAddresses())) {
        if (address instanceof Inet4Address && !address.isLoopbackAddress()) {
          return Optional.of(address);
        }
      }
    }
    return Optional.empty();
  }

  /** A TLS 1.3 client that trusts any server (so that only the node's verdict counts), with an optional client key. */
  private static SSLSocket tlsSocket(Path clientKeystore, int port) throws Exception {
    KeyManagerFactory keys = null;
    if (clientKeystore != null) {
      KeyStore store = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(clientKeystore)) {
        store.load(in, ca.password().toCharArray());
      }
      keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(store, ca.password().toCharArray());
    }
    TrustManager trustAny = new X509TrustManager() {
      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType) {}

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType) {}

      @Override
      public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
      }
    };
    SSLContext context = SSLContext.getInstance("TLSv1.3");
    context.init(keys == null ? null : keys.getKeyManagers(), new TrustManager[] {trustAny}, null);
    SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port);
    socket.setSoTimeout(TIMEOUT_S * 1000);
    socket.startHandshake();
    return socket;
  }

  /**
   * Whether the peer answers with anything but a TLS alert record (type 21) before closing; a reset
   * counts as no answer.
   */
  private static boolean answersWithData(InputStream in) {
    try {
      int first = in.read();
      return first != -1 && first != 21;
    } catch (IOException reset) {
      return false;
    }
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(TIMEOUT_S, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("timed out or failed: " + e, e);
    }
  }
}
