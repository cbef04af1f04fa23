package dev.parley.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The hand-written serializers of the hot frames write exactly what Jackson's record serializer writes. */
class HotFramesTest {

  /** The mapper as it was before the hand-written serializers: the reference output. */
  private static final ObjectMapper PLAIN = JsonMapper.builder()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .build();

  private static final String AWKWARD = "quote \" backslash \\ newline \n tab \t nul \u0000 bell \u0007 "
      + "del \u007f line-sep \u2028 emoji \uD83D\uDE00 lone-surrogate \uD800 </script> é";

  static Stream<Object> frames() {
    var attachment = new Attachment("up1", "a \"b\".png", "image/png", 1234, 640, null, true);
    return Stream.of(
        new Events.Message(7, 3, 1003, 42, "c-1", "hello", 1_700_000_000_000L, "normal"),
        new Events.Message(7, 3, 1003, 42, "c-1", AWKWARD, 1_700_000_000_000L, "normal", 99L, 1_700_000_000_500L,
            List.of(1L, 2L, Long.MAX_VALUE), List.of(new EmojiReactions("\uD83D\uDC4D", List.of(5L, 6L))),
            List.of(attachment)),
        new Events.Message(7, 4, 1004, 42, "c-2", null, 0, "recalled", null, null, List.of(), List.of(), List.of()),
        new Events.Message("message", Long.MIN_VALUE, -1, 0, 0, null, "", 0, null, null, null,
            null, null, null),
        new Events.Message(7, 5, 1005, 42, "c-3", "x", 1, "normal", null, null, Arrays.asList(1L, null), List.of(),
            List.of()),
        new ServerFrame.SendAck("s1", 7, 1003, 3, 1_700_000_000_000L),
        new ServerFrame.SendAck(AWKWARD, Long.MAX_VALUE, Long.MIN_VALUE, 0, -1),
        new ServerFrame.SendAck("ack", null, 1, 2, 3, 4));
  }

  @ParameterizedTest
  @MethodSource("frames")
  @DisplayName("a message event or send ack encodes to the same bytes as Jackson's record serializer")
  void sameBytes(Object frame) throws Exception {
    assertEquals(PLAIN.writeValueAsString(frame), Json.encode(frame));
  }

  @ParameterizedTest
  @MethodSource("frames")
  @DisplayName("inside a list (a history page) the frames encode the same too")
  void sameInsideAList(Object frame) throws Exception {
    assertEquals(PLAIN.writeValueAsString(List.of(frame, frame)), Json.encode(List.of(frame, frame)));
  }

  @Test
  @DisplayName("the node's mapper encodes the hot frames with the hand-written serializers (else the comparison above proves nothing)")
  void handWrittenInUse() throws Exception {
    var provider = Json.mapper().getSerializerProviderInstance();
    assertInstanceOf(HotFrames.MessageSerializer.class, provider.findValueSerializer(Events.Message.class));
    assertInstanceOf(HotFrames.SendAckSerializer.class, provider.findValueSerializer(ServerFrame.SendAck.class));
  }
}
