/**
 * The cluster's network: which interface Hazelcast and the event bus listen on, and the event
 * bus's mutual TLS. Runs once, while a node builds its clustered Vertx; holds no state.
 */
package dev.parley.cluster;
