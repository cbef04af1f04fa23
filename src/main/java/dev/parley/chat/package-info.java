/** The chat domain as the APIs show it: users, members, conversation summaries. Immutable records. */
package dev.parley.chat;
