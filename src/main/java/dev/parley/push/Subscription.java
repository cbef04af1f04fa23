package dev.parley.push;

/**
 * A browser's Web Push subscription as stored.
 *
 * @param id       row id
 * @param userId   its user
 * @param endpoint the push service URL (a capability URL: never logged)
 * @param p256dh   the browser's P-256 public key, base64url
 * @param auth     the browser's 16-byte auth secret, base64url
 */
public record Subscription(long id, long userId, String endpoint, String p256dh, String auth) {}
