/**
 * Cluster-internal contracts: every address in {@link dev.parley.bus.Addresses}, the records sent
 * on them, their codecs and the failure mapping. Records are immutable and safe to share.
 */
package dev.parley.bus;
