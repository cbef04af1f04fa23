/** Node configuration: typed records parsed and validated once at start-up. Immutable, thread-safe. */
package dev.parley.config;
