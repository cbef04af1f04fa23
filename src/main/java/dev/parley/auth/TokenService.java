package dev.parley.auth;

import dev.parley.config.AppConfig;
import dev.parley.protocol.ChatException;
import dev.parley.protocol.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;

/**
 * Signed, expiring session tokens (HS256 JWT, subject = user id, {@code sid} = the sign-in session).
 * Any node verifies any node's token; whether its session is still signed in is the database's
 * answer ({@link SessionAuthenticator}), not the token's.
 */
public final class TokenService {

  private static final String ISSUER = "parley";
  /** The claim that names the token's row in {@code sessions}. */
  private static final String SESSION_CLAIM = "sid";

  /**
   * @param token     the bearer token
   * @param userId    whose it is
   * @param expiresAt epoch millis when it stops being accepted
   * @param sessionId the sign-in session it belongs to (PROTOCOL 2.1)
   */
  public record Issued(String token, long userId, long expiresAt, String sessionId) {}

  /**
   * What a verified token says.
   *
   * @param userId    its subject
   * @param sessionId its session
   */
  public record Claims(long userId, String sessionId) {}

  private final JWTAuth jwt;
  private final AppConfig.AuthConfig config;

  public TokenService(Vertx vertx, AppConfig.AuthConfig config) {
    this.config = config;
    this.jwt = JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(config.jwtSecret()))
        .setJWTOptions(new JWTOptions().setIssuer(ISSUER)));
  }

  public Issued issue(long userId, String sessionId) {
    return issue(userId, sessionId, config.tokenTtl());
  }

  /** A token with its own lifetime (the server API's {@code ttlMinutes}, bounded by its config). */
  public Issued issue(long userId, String sessionId, java.time.Duration ttl) {
    long ttlSeconds = ttl.toSeconds();
    String token = jwt.generateToken(new JsonObject().put("sub", Long.toString(userId)).put(SESSION_CLAIM, sessionId),
        new JWTOptions().setAlgorithm("HS256").setIssuer(ISSUER).setExpiresInSeconds((int) ttlSeconds));
    // The JWT's exp is in whole seconds from its iat; report the same instant.
    long issuedAt = System.currentTimeMillis() / 1000;
    return new Issued(token, userId, (issuedAt + ttlSeconds) * 1000, sessionId);
  }

  /** The claims of a valid token; UNAUTHENTICATED for a missing, forged or expired one, or one without a session. */
  public Future<Claims> verify(String token) {
    if (token == null || token.isBlank() || token.length() > 4096) {
      return Future.failedFuture(unauthenticated());
    }
    return jwt.authenticate(new TokenCredentials(token))
        .compose(user -> {
          String sessionId = user.principal().getString(SESSION_CLAIM);
          if (sessionId == null || !hasExpiry(user)) {
            return Future.<Claims>failedFuture(unauthenticated());
          }
          return Future.succeededFuture(new Claims(Long.parseLong(user.principal().getString("sub")), sessionId));
        })
        .recover(failure -> Future.failedFuture(unauthenticated()));
  }

  /**
   * The JWT library checks {@code exp} only when a token carries one; a token without it would
   * never expire. Every token we issue has one, so a token without it is not ours to accept.
   */
  private static boolean hasExpiry(User user) {
    JsonObject claims = user.attributes().getJsonObject("accessToken");
    return claims != null && claims.getValue("exp") instanceof Number;
  }

  static ChatException unauthenticated() {
    return new ChatException(ErrorCode.UNAUTHENTICATED, "a valid token is required");
  }
}
