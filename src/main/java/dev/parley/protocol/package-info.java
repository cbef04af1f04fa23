/**
 * The client contract of PROTOCOL.md as Java types: command records and their parser, event
 * frames, error and close codes, value rules. Pure data and functions; safe from any thread.
 */
package dev.parley.protocol;
