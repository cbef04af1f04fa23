package dev.parley.push;

import com.zerodeplibs.webpush.EncryptedPushMessage;
import com.zerodeplibs.webpush.MessageEncryptions;
import com.zerodeplibs.webpush.PushMessage;
import com.zerodeplibs.webpush.UserAgentMessageEncryptionKeyInfo;
import com.zerodeplibs.webpush.jwt.VAPIDJWTParam;
import dev.parley.config.AppConfig;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Web Push channel: RFC 8030 delivery ({@code TTL}, {@code Topic}, {@code Urgency}), the
 * payload encrypted with RFC 8291 {@code aes128gcm} for the browser's key and secret, and an
 * RFC 8292 VAPID {@code Authorization} (ES256 JWT, {@code aud} = the endpoint's origin). The
 * encryption and signing run on the bounded push worker pool. A VAPID token is reused per origin
 * while it has over an hour left, so a push service costs one signature per 12 hours, not one
 * per notification.
 */
public final class WebPush {

  private static final Duration JWT_LIFETIME = Duration.ofHours(12);
  private static final Duration JWT_RENEW_BEFORE = Duration.ofHours(1);

  private record Token(String header, Instant expires) {}

  private final HttpClient http;
  private final WorkerExecutor worker;
  private final VapidKeys keys;
  private final AppConfig.PushConfig config;
  private final Map<String, Token> tokens = new ConcurrentHashMap<>();

  public WebPush(HttpClient http, WorkerExecutor worker, VapidKeys keys, AppConfig.PushConfig config) {
    this.http = http;
    this.worker = worker;
    this.keys = keys;
    this.config = config;
  }

  /** Sends one encrypted payload to one subscription. */
  public Future<Attempt> send(Subscription subscription, byte[] payload, String topic, boolean urgent) {
    return worker.executeBlocking(() -> prepare(subscription, payload), false)
        .compose(prepared -> {
          RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST)
              .setAbsoluteURI(subscription.endpoint()).setTimeout(config.requestTimeout().toMillis())
              .putHeader("TTL", Long.toString(config.ttl().toSeconds()))
              .putHeader("Topic", topic)
              .putHeader("Urgency", urgent ? "high" : "normal")
              .putHeader("Content-Encoding", prepared.message().contentEncoding())
              .putHeader("Content-Type", "application/octet-stream")
              .putHeader("Authorization", prepared.authorization());
          return http.request(options)
              .compose(request -> request.send(Buffer.buffer(prepared.message().toBytes())))
              .compose(response -> response.body().map(ignored ->
                  Attempt.of(response.statusCode(), response.getHeader("Retry-After"), true)));
        })
        .otherwise(Attempt.FAILED);
  }

  private record Prepared(EncryptedPushMessage message, String authorization) {}

  private Prepared prepare(Subscription subscription, byte[] payload) {
    EncryptedPushMessage message = MessageEncryptions.of().encrypt(
        UserAgentMessageEncryptionKeyInfo.of(subscription.p256dh(), subscription.auth()), PushMessage.of(payload));
    return new Prepared(message, authorization(subscription.endpoint()));
  }

  private String authorization(String endpoint) {
    URI uri = URI.create(endpoint);
    String origin = uri.getScheme() + "://" + uri.getRawAuthority();
    Instant now = Instant.now();
    Token token = tokens.get(origin);
    if (token == null || token.expires().minus(JWT_RENEW_BEFORE).isBefore(now)) {
      Instant expires = now.plus(JWT_LIFETIME);
      VAPIDJWTParam.Builder param = VAPIDJWTParam.getBuilder().resourceURLString(endpoint).expirationTime(expires);
      if (!config.vapidSubject().isEmpty()) {
        param.subject(config.vapidSubject());
      }
      String header;
      synchronized (keys) {
        header = keys.pair().generateAuthorizationHeaderValue(param.build());
      }
      token = new Token(header, expires);
      tokens.put(origin, token);
    }
    return token.header();
  }

  /** Whether the browser's keys are a P-256 point and a 16-byte secret (checked at registration). */
  public static boolean validKeys(String p256dh, String auth) {
    try {
      byte[] secret = java.util.Base64.getUrlDecoder().decode(auth);
      if (secret.length != 16) {
        return false;
      }
      UserAgentMessageEncryptionKeyInfo.of(p256dh, auth);
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }
}
