package dev.parley.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * What a browser and a push service do, on loopback: each {@link Browser} holds a P-256 key pair
 * and an auth secret like a real {@code PushSubscription}; each request to its endpoint is
 * checked like a push service would (VAPID JWT against the server's public key, {@code aud} =
 * this origin, {@code exp} within 24 h; {@code TTL}, {@code Topic}, {@code Urgency}) and its
 * {@code aes128gcm} body decrypted as the browser would (RFC 8291, JDK crypto only). It answers
 * 201 unless told otherwise (410, 429 ...). Every breach of the contract is recorded in
 * {@link #violations()}.
 */
public final class FakePushService implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Base64.Decoder B64 = Base64.getUrlDecoder();
  private static final Base64.Encoder B64E = Base64.getUrlEncoder().withoutPadding();

  /**
   * One push the browser decrypted.
   *
   * @param payload the decrypted JSON
   * @param raw     the decrypted text, for "does not contain" checks
   * @param topic   the {@code Topic} header
   * @param urgency the {@code Urgency} header
   * @param ttl     the {@code TTL} header
   * @param status  what the fake answered
   * @param at      when it arrived (System.nanoTime)
   */
  public record Push(JsonNode payload, String raw, String topic, String urgency, String ttl, int status, long at) {}

  /** A browser's subscription. */
  public final class Browser {
    final String id;
    final KeyPair keys;
    final byte[] auth = new byte[16];
    final Deque<Integer> answers = new ArrayDeque<>();
    final List<Push> received = new ArrayList<>();
    int requests;

    Browser(String id) throws Exception {
      this.id = id;
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      keys = generator.generateKeyPair();
      new SecureRandom().nextBytes(auth);
    }

    public String endpoint() {
      return origin() + "/push/" + id;
    }

    /** The JSON a browser's {@code PushSubscription.toJSON()} gives. */
    public Map<String, Object> subscriptionJson() {
      return Map.of("endpoint", endpoint(),
          "keys", Map.of("p256dh", B64E.encodeToString(uncompressed((ECPublicKey) keys.getPublic())),
              "auth", B64E.encodeToString(auth)));
    }

    /** The next answers, in order (then 201 again). */
    public synchronized void answer(Integer... statuses) {
      answers.addAll(Arrays.asList(statuses));
    }

    public synchronized List<Push> received() {
      return List.copyOf(received);
    }

    public synchronized int requests() {
      return requests;
    }

    /** Waits for a decrypted push (answered 201) matching {@code match}. */
    public Push await(Predicate<Push> match, Duration timeout) {
      long end = System.nanoTime() + timeout.toNanos();
      synchronized (this) {
        while (true) {
          for (Push p : received) {
            if (p.status() == 201 && match.test(p)) {
              return p;
            }
          }
          long left = end - System.nanoTime();
          if (left <= 0) {
            throw new AssertionError("no matching push within " + timeout + "; received " + received);
          }
          try {
            wait(Math.max(1, left / 1_000_000));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
          }
        }
      }
    }

    synchronized int nextAnswer() {
      requests++;
      Integer next = answers.poll();
      return next == null ? 201 : next;
    }

    synchronized void record(Push push) {
      received.add(push);
      notifyAll();
    }
  }

  private final HttpServer server;
  private final Map<String, Browser> browsers = new ConcurrentHashMap<>();
  private final List<String> violations = new java.util.concurrent.CopyOnWriteArrayList<>();
  private volatile String vapidKey;

  private FakePushService(HttpServer server) {
    this.server = server;
  }

  public static FakePushService start() {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
      FakePushService fake = new FakePushService(server);
      server.createContext("/push/", fake::handle);
      server.setExecutor(Executors.newFixedThreadPool(4));
      server.start();
      return fake;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The server's VAPID public key (from {@code GET /push/vapid-public-key}) every JWT must verify against. */
  public void expectVapidKey(String key) {
    this.vapidKey = key;
  }

  public String origin() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  public Browser newBrowser() {
    try {
      Browser browser = new Browser(Long.toHexString(new SecureRandom().nextLong()));
      browsers.put(browser.id, browser);
      return browser;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public List<String> violations() {
    return List.copyOf(violations);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String id = exchange.getRequestURI().getPath().substring("/push/".length());
      Browser browser = browsers.get(id);
      byte[] body = exchange.getRequestBody().readAllBytes();
      if (browser == null || !"POST".equals(exchange.getRequestMethod())) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      int status = browser.nextAnswer();
      var headers = exchange.getRequestHeaders();
      checkVapid(headers.getFirst("Authorization"));
      String ttl = headers.getFirst("TTL");
      if (ttl == null || !ttl.matches("\\d+")) {
        violations.add("TTL missing or not a number: " + ttl);
      }
      if (!"aes128gcm".equals(headers.getFirst("Content-Encoding"))) {
        violations.add("Content-Encoding is not aes128gcm");
      }
      String raw;
      JsonNode payload;
      try {
        raw = new String(decrypt(browser, body), StandardCharsets.UTF_8);
        payload = JSON.readTree(raw);
      } catch (Exception e) {
        violations.add("body does not decrypt: " + e);
        exchange.sendResponseHeaders(400, -1);
        return;
      }
      String topic = headers.getFirst("Topic");
      String urgency = headers.getFirst("Urgency");
      if (!("conv-" + payload.path("conversationId").asLong()).equals(topic)) {
        violations.add("Topic " + topic + " does not name conversation " + payload.path("conversationId"));
      }
      String expectedUrgency = "message".equals(payload.path("kind").asText()) ? "high" : "normal";
      if (!expectedUrgency.equals(urgency)) {
        violations.add("Urgency " + urgency + " for a " + payload.path("kind").asText());
      }
      browser.record(new Push(payload, raw, topic, urgency, ttl, status, System.nanoTime()));
      exchange.sendResponseHeaders(status, -1);
    }
  }

  private void checkVapid(String authorization) {
    try {
      if (authorization == null || !authorization.startsWith("vapid ")) {
        violations.add("Authorization is not vapid: " + (authorization == null ? "missing" : "other scheme"));
        return;
      }
      String t = null;
      String k = null;
      for (String part : authorization.substring(6).split(",")) {
        String p = part.trim();
        if (p.startsWith("t=")) {
          t = p.substring(2);
        } else if (p.startsWith("k=")) {
          k = p.substring(2);
        }
      }
      if (t == null || k == null) {
        violations.add("vapid without t= or k=");
        return;
      }
      if (vapidKey != null && !vapidKey.equals(k)) {
        violations.add("k= is not the server's VAPID public key");
      }
      String[] jwt = t.split("\\.");
      JsonNode header = JSON.readTree(B64.decode(jwt[0]));
      JsonNode claims = JSON.readTree(B64.decode(jwt[1]));
      if (!"ES256".equals(header.path("alg").asText())) {
        violations.add("JWT alg is " + header.path("alg").asText());
      }
      Signature verifier = Signature.getInstance("SHA256withECDSAinP1363Format");
      verifier.initVerify(publicKey(B64.decode(k)));
      verifier.update((jwt[0] + "." + jwt[1]).getBytes(StandardCharsets.US_ASCII));
      if (!verifier.verify(B64.decode(jwt[2]))) {
        violations.add("VAPID JWT signature does not verify");
      }
      if (!origin().equals(claims.path("aud").asText())) {
        violations.add("aud " + claims.path("aud").asText() + " is not " + origin());
      }
      long exp = claims.path("exp").asLong();
      long now = System.currentTimeMillis() / 1000;
      if (exp <= now || exp > now + 24 * 3600) {
        violations.add("exp not within 24 h: " + exp);
      }
    } catch (Exception e) {
      violations.add("VAPID check failed: " + e);
    }
  }

  /** RFC 8291 / RFC 8188 decryption, as the browser does it. */
  private static byte[] decrypt(Browser browser, byte[] body) throws Exception {
    ByteBuffer buf = ByteBuffer.wrap(body);
    byte[] salt = new byte[16];
    buf.get(salt);
    int rs = buf.getInt();
    int idlen = buf.get() & 0xff;
    byte[] asPublic = new byte[idlen];
    buf.get(asPublic);
    byte[] ciphertext = new byte[buf.remaining()];
    buf.get(ciphertext);
    if (ciphertext.length > rs) {
      throw new IllegalStateException("more than one record");
    }
    KeyAgreement agreement = KeyAgreement.getInstance("ECDH");
    agreement.init(browser.keys.getPrivate());
    agreement.doPhase(publicKey(asPublic), true);
    byte[] shared = agreement.generateSecret();
    byte[] uaPublic = uncompressed((ECPublicKey) browser.keys.getPublic());
    byte[] prkKey = hmac(browser.auth, shared);
    byte[] keyInfo = concat("WebPush: info".getBytes(StandardCharsets.US_ASCII), new byte[] {0}, uaPublic, asPublic,
        new byte[] {1});
    byte[] ikm = hmac(prkKey, keyInfo);
    byte[] prk = hmac(salt, ikm);
    byte[] cek = Arrays.copyOf(hmac(prk, concat("Content-Encoding: aes128gcm".getBytes(StandardCharsets.US_ASCII),
        new byte[] {0, 1})), 16);
    byte[] nonce = Arrays.copyOf(hmac(prk, concat("Content-Encoding: nonce".getBytes(StandardCharsets.US_ASCII),
        new byte[] {0, 1})), 12);
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(cek, "AES"), new GCMParameterSpec(128, nonce));
    byte[] padded = cipher.doFinal(ciphertext);
    int end = padded.length - 1;
    while (end >= 0 && padded[end] == 0) {
      end--;
    }
    if (end < 0 || padded[end] != 2) {
      throw new IllegalStateException("last record delimiter missing");
    }
    return Arrays.copyOf(padded, end);
  }

  private static byte[] hmac(byte[] key, byte[] data) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(data);
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }

  static PublicKey publicKey(byte[] point) throws Exception {
    var params = java.security.AlgorithmParameters.getInstance("EC");
    params.init(new ECGenParameterSpec("secp256r1"));
    var spec = params.getParameterSpec(java.security.spec.ECParameterSpec.class);
    ECPoint w = new ECPoint(new BigInteger(1, Arrays.copyOfRange(point, 1, 33)),
        new BigInteger(1, Arrays.copyOfRange(point, 33, 65)));
    return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, spec));
  }

  static byte[] uncompressed(ECPublicKey key) {
    byte[] out = new byte[65];
    out[0] = 4;
    System.arraycopy(fixed(key.getW().getAffineX()), 0, out, 1, 32);
    System.arraycopy(fixed(key.getW().getAffineY()), 0, out, 33, 32);
    return out;
  }

  private static byte[] fixed(BigInteger v) {
    byte[] raw = v.toByteArray();
    byte[] out = new byte[32];
    if (raw.length >= 32) {
      System.arraycopy(raw, raw.length - 32, out, 0, 32);
    } else {
      System.arraycopy(raw, 0, out, 32 - raw.length, raw.length);
    }
    return out;
  }

  @Override
  public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }
}
