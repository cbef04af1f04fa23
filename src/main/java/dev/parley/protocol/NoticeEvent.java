package dev.parley.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * An ephemeral notice from the server API (PROTOCOL 3.3, 4): never stored, never pushed, no seq.
 *
 * @param type    always "notice"
 * @param payload the backend's JSON, as given (at most 4 KiB encoded)
 * @param ts      server epoch millis when the notice was accepted
 */
public record NoticeEvent(String type, @JsonInclude(JsonInclude.Include.ALWAYS) JsonNode payload, long ts)
    implements ServerFrame.Event {

  public NoticeEvent(JsonNode payload, long ts) {
    this("notice", payload, ts);
  }
}
