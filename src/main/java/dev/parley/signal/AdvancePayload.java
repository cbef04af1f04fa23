package dev.parley.signal;

import java.util.function.BiConsumer;

/** The payload of a {@code parley_advanced} notification (V6__partition_tolerance.sql): "C:S,C:S,...". */
final class AdvancePayload {

  private AdvancePayload() {}

  /** Each well-formed "conversation:seq" pair, in order; returns how many were malformed (skipped). */
  static int parse(String payload, BiConsumer<Long, Long> each) {
    int bad = 0;
    if (payload == null || payload.isEmpty()) {
      return 0;
    }
    for (String pair : payload.split(",")) {
      int colon = pair.indexOf(':');
      try {
        if (colon <= 0) {
          throw new NumberFormatException(pair);
        }
        long conversationId = Long.parseLong(pair, 0, colon, 10);
        long seq = Long.parseLong(pair, colon + 1, pair.length(), 10);
        each.accept(conversationId, seq);
      } catch (NumberFormatException e) {
        bad++;
      }
    }
    return bad;
  }
}
