package dev.parley.auth;

import dev.parley.config.AppConfig;
import dev.parley.protocol.ChatException;
import dev.parley.protocol.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;

/** Signed, expiring session tokens (HS256 JWT, subject = user id). Any node verifies any node's token. */
public final class TokenService {

  private static final String ISSUER = "parley";

  /**
   * @param token     the bearer token
   * @param userId    whose it is
   * @param expiresAt epoch millis when it stops being accepted
   */
  public record Issued(String token, long userId, long expiresAt) {}

  private final JWTAuth jwt;
  private final AppConfig.AuthConfig config;

  public TokenService(Vertx vertx, AppConfig.AuthConfig config) {
    this.config = config;
    this.jwt = JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(config.jwtSecret()))
        .setJWTOptions(new JWTOptions().setIssuer(ISSUER)));
  }

  public Issued issue(long userId) {
    long ttlSeconds = config.tokenTtl().toSeconds();
    String token = jwt.generateToken(new JsonObject().put("sub", Long.toString(userId)),
        new JWTOptions().setAlgorithm("HS256").setIssuer(ISSUER).setExpiresInSeconds((int) ttlSeconds));
    // The JWT's exp is in whole seconds from its iat; report the same instant.
    long issuedAt = System.currentTimeMillis() / 1000;
    return new Issued(token, userId, (issuedAt + ttlSeconds) * 1000);
  }

  /** The user id of a valid token; UNAUTHENTICATED for a missing, forged or expired one. */
  public Future<Long> verify(String token) {
    if (token == null || token.isBlank() || token.length() > 4096) {
      return Future.failedFuture(unauthenticated());
    }
    return jwt.authenticate(new TokenCredentials(token))
        .map(user -> Long.parseLong(user.principal().getString("sub")))
        .recover(failure -> Future.failedFuture(unauthenticated()));
  }

  private static ChatException unauthenticated() {
    return new ChatException(ErrorCode.UNAUTHENTICATED, "a valid token is required");
  }
}
