package dev.parley.push;

import dev.parley.config.AppConfig;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The webhook channel (PROTOCOL 3.5), for gateways to APNs and FCM: the JSON body, signed with
 * {@code X-Parley-Signature: sha256=<hex HMAC-SHA256 of the raw body>} on the push worker pool.
 * {@code X-Parley-Notification} names the notification (user, conversation, state version), so
 * a gateway can drop the rare repeat after a node died between the receiver's 2xx and our commit.
 */
public final class Webhook {

  private final HttpClient http;
  private final WorkerExecutor worker;
  private final AppConfig.PushConfig config;
  private final SecretKeySpec key;

  public Webhook(HttpClient http, WorkerExecutor worker, AppConfig.PushConfig config) {
    this.http = http;
    this.worker = worker;
    this.config = config;
    this.key = new SecretKeySpec(config.webhookSecret().getBytes(StandardCharsets.UTF_8), "HmacSHA256");
  }

  public Future<Attempt> send(byte[] body, String notificationId) {
    return worker.executeBlocking(() -> "sha256=" + sign(body), false)
        .compose(signature -> http.request(new RequestOptions().setMethod(HttpMethod.POST)
                .setAbsoluteURI(config.webhookUrl()).setTimeout(config.requestTimeout().toMillis())
                .putHeader("Content-Type", "application/json")
                .putHeader("X-Parley-Signature", signature)
                .putHeader("X-Parley-Notification", notificationId))
            .compose(request -> request.send(Buffer.buffer(body)))
            .compose(response -> response.body().map(ignored ->
                Attempt.of(response.statusCode(), response.getHeader("Retry-After"), false))))
        .otherwise(Attempt.FAILED);
  }

  private String sign(byte[] body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(key);
    return HexFormat.of().formatHex(mac.doFinal(body));
  }
}
