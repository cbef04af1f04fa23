/** Credentials and session tokens. Hashing runs on a worker pool; everything else is non-blocking. */
package dev.parley.auth;
