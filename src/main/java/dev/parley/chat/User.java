package dev.parley.chat;

/**
 * A user as every API shows it.
 *
 * @param id          numeric id
 * @param username    unique (case-insensitively) handle, as registered
 * @param displayName name shown to others
 */
public record User(long id, String username, String displayName) {}
