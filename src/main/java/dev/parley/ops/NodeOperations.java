package dev.parley.ops;

/**
 * What the edge of a node needs from operations, handed to each session verticle as one value:
 * the lifecycle (refuse upgrades while draining), the meters, and the probes in front of the API.
 */
public record NodeOperations(Lifecycle lifecycle, NodeMetrics metrics, HealthProbes probes) {}
