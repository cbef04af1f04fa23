package dev.parley.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.protocol.Json;

/** Builders for client command frames and assertions on replies. */
public final class Frames {

  private Frames() {}

  public static ObjectNode cmd(String type) {
    return Json.mapper().createObjectNode().put("type", type);
  }

  public static ObjectNode auth(Api.Account account, String deviceId) {
    return cmd("auth").put("token", account.token()).put("deviceId", deviceId);
  }

  /** A {@code since} object with one cursor. */
  public static ObjectNode since(long conversationId, long seq) {
    return Json.mapper().createObjectNode().put(Long.toString(conversationId), seq);
  }

  public static void assertError(JsonNode frame, String code) {
    assertEquals("error", frame.get("type").asText(), frame.toString());
    assertEquals(code, frame.get("code").asText(), frame.toString());
  }
}
