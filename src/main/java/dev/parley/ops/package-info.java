/**
 * Running a node as a service: its lifecycle (starting, ready, draining), the liveness and
 * readiness probes, the meters of the chat path, and the management HTTP server that exposes
 * them in Prometheus text format. Nothing here is part of the client protocol.
 */
package dev.parley.ops;
