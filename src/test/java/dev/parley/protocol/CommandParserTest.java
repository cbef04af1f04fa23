package dev.parley.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Client frames (PROTOCOL 3.2) into commands: strict types, value rules, and the error each break gets. */
class CommandParserTest {

  private static final String EMOJI = "\uD83D\uDE00";

  private static JsonNode frame(String json) {
    return Json.parse(json);
  }

  private static ClientCommand parse(String json) {
    return CommandParser.parse(frame(json));
  }

  private static ErrorCode rejection(String json) {
    return assertThrows(ChatException.class, () -> parse(json), json).code();
  }

  /** A send frame around a text given as a Java string (encoded by Jackson, so any char survives). */
  private static String sendWithText(String text) {
    return Json.encode(Map.of("type", "send", "id", "s", "conversationId", 7, "clientMsgId", "m-1", "text", text));
  }

  @Nested
  @DisplayName("every command type")
  class EveryType {

    @Test
    @DisplayName("auth parses its token, deviceId and optional since")
    void auth() {
      var plain = assertInstanceOf(ClientCommand.Auth.class,
          parse("{\"type\":\"auth\",\"id\":\"1\",\"token\":\"t.k.n\",\"deviceId\":\"phone_1\"}"));
      assertEquals("1", plain.id());
      assertEquals("t.k.n", plain.token());
      assertEquals("phone_1", plain.deviceId());
      assertEquals(Map.of(), plain.since());

      var resuming = assertInstanceOf(ClientCommand.Auth.class,
          parse("{\"type\":\"auth\",\"id\":\"1\",\"token\":\"t\",\"deviceId\":\"d\",\"since\":{\"5\":3,\"9\":0}}"));
      assertEquals(Map.of(5L, 3L, 9L, 0L), resuming.since());

      var nullSince = assertInstanceOf(ClientCommand.Auth.class,
          parse("{\"type\":\"auth\",\"id\":\"1\",\"token\":\"t\",\"deviceId\":\"d\",\"since\":null}"));
      assertEquals(Map.of(), nullSince.since());
    }

    @Test
    @DisplayName("send parses to a conversation or to a user, keeping the text exactly as sent")
    void send() {
      var toConversation = assertInstanceOf(ClientCommand.Send.class, parse(
          "{\"type\":\"send\",\"id\":\"s1\",\"conversationId\":12,\"clientMsgId\":\"a-B_9\",\"text\":\"  hi\\n \"}"));
      assertEquals("s1", toConversation.id());
      assertEquals(12L, toConversation.conversationId());
      assertNull(toConversation.to());
      assertEquals("a-B_9", toConversation.clientMsgId());
      assertEquals("  hi\n ", toConversation.text(), "no trimming");
      assertTrue(toConversation.pipelined());

      var toUser = assertInstanceOf(ClientCommand.Send.class,
          parse("{\"type\":\"send\",\"id\":\"s2\",\"to\":44,\"clientMsgId\":\"x\",\"text\":\"yo\"}"));
      assertNull(toUser.conversationId());
      assertEquals(44L, toUser.to());

      // "e" + combining acute stays two code points: no normalization.
      var decomposed = assertInstanceOf(ClientCommand.Send.class, parse(sendWithText("caf" + "e\u0301 <b>")));
      assertEquals("cafe\u0301 <b>", decomposed.text());
    }

    @Test
    @DisplayName("send parses replyTo and attachments; with attachments the text may be empty")
    void richSend() {
      var reply = assertInstanceOf(ClientCommand.Send.class, parse(
          "{\"type\":\"send\",\"id\":\"s\",\"conversationId\":1,\"clientMsgId\":\"c\",\"text\":\"t\",\"replyTo\":9}"));
      assertEquals(9L, reply.replyTo());
      assertEquals(List.of(), reply.attachments());
      var files = assertInstanceOf(ClientCommand.Send.class, parse(
          "{\"type\":\"send\",\"id\":\"s\",\"conversationId\":1,\"clientMsgId\":\"c\",\"attachments\":[\"u1\",\"u2\"]}"));
      assertEquals(List.of("u1", "u2"), files.attachments());
      assertEquals("", files.text());
      assertNull(files.replyTo());
      String base = "{\"type\":\"send\",\"id\":\"s\",\"conversationId\":1,\"clientMsgId\":\"c\",\"text\":\"t\",";
      assertEquals(ErrorCode.BAD_REQUEST, rejection(base + "\"replyTo\":\"9\"}"));
      assertEquals(ErrorCode.BAD_REQUEST, rejection(base + "\"replyTo\":0}"));
      assertEquals(ErrorCode.BAD_REQUEST, rejection(base + "\"attachments\":\"u1\"}"));
      assertEquals(ErrorCode.BAD_REQUEST, rejection(base + "\"attachments\":[1]}"));
      assertEquals(ErrorCode.BAD_REQUEST, rejection(base + "\"attachments\":[\"u\",\"u\"]}"));
      assertEquals(ErrorCode.BAD_REQUEST, rejection(base + "\"attachments\":[\"\"]}"));
      assertEquals(ErrorCode.BAD_REQUEST, rejection(base + "\"attachments\":"
          + "[\"1\",\"2\",\"3\",\"4\",\"5\",\"6\",\"7\",\"8\",\"9\",\"10\",\"11\"]}"));
      assertEquals(ErrorCode.BAD_REQUEST, rejection(
          "{\"type\":\"send\",\"id\":\"s\",\"conversationId\":1,\"clientMsgId\":\"c\",\"attachments\":[]}"),
          "no attachments: the text rules hold");
    }

    @Test
    @DisplayName("edit parses the message id and a text held to the message rules; react its emoji and add flag")
    void editAndReact() {
      var edit = assertInstanceOf(ClientCommand.Edit.class,
          parse("{\"type\":\"edit\",\"id\":\"e\",\"messageId\":5,\"text\":\" new \"}"));
      assertEquals(5L, edit.messageId());
      assertEquals(" new ", edit.text());
      assertFalse(edit.pipelined());
      assertEquals(ErrorCode.BAD_REQUEST, rejection("{\"type\":\"edit\",\"id\":\"e\",\"messageId\":5}"));
      assertEquals(ErrorCode.BAD_REQUEST, rejection("{\"type\":\"edit\",\"id\":\"e\",\"messageId\":5,\"text\":\" \"}"));
      assertEquals(ErrorCode.TOO_LARGE, rejection(Json.encode(Map.of("type", "edit", "id", "e", "messageId", 5,
          "text", "x".repeat(4001)))));
      var react = assertInstanceOf(ClientCommand.React.class, parse(Json.encode(Map.of("type", "react", "id", "r",
          "messageId", 5, "emoji", EMOJI, "add", false))));
      assertEquals(EMOJI, react.emoji());
      assertFalse(react.add());
      assertEquals(ErrorCode.BAD_REQUEST, rejection(Json.encode(Map.of("type", "react", "id", "r", "messageId", 5,
          "emoji", "ok", "add", true))));
      assertEquals(ErrorCode.BAD_REQUEST, rejection(Json.encode(Map.of("type", "react", "id", "r", "messageId", 5,
          "emoji", EMOJI))));
      assertEquals(ErrorCode.BAD_REQUEST, rejection(Json.encode(Map.of("type", "react", "id", "r", "messageId", 5,
          "emoji", EMOJI, "add", 1))));
    }

    @Test
    @DisplayName("recall and revoke parse the message id; a revoke's reason is optional and a blank one is none")
    void recallAndRevoke() {
      var recall = assertInstanceOf(ClientCommand.Recall.class,
          parse("{\"type\":\"recall\",\"id\":\"r\",\"messageId\":900}"));
      assertEquals(900L, recall.messageId());
      assertFalse(recall.pipelined());

      var revoke = assertInstanceOf(ClientCommand.Revoke.class,
          parse("{\"type\":\"revoke\",\"id\":\"v\",\"messageId\":901,\"reason\":\"spam \uD83D\uDEAB\"}"));
      assertEquals(901L, revoke.messageId());
      assertEquals("spam \uD83D\uDEAB", revoke.reason());
      assertFalse(revoke.pipelined());

      assertNull(assertInstanceOf(ClientCommand.Revoke.class,
          parse("{\"type\":\"revoke\",\"id\":\"v\",\"messageId\":1}")).reason());
      assertNull(assertInstanceOf(ClientCommand.Revoke.class,
          parse("{\"type\":\"revoke\",\"id\":\"v\",\"messageId\":1,\"reason\":null}")).reason());
      assertNull(assertInstanceOf(ClientCommand.Revoke.class,
          parse("{\"type\":\"revoke\",\"id\":\"v\",\"messageId\":1,\"reason\":\"  \"}")).reason());
      String longest = EMOJI.repeat(CommandParser.MAX_REASON_CODE_POINTS);
      assertEquals(longest, assertInstanceOf(ClientCommand.Revoke.class, parse(Json.encode(
          Map.of("type", "revoke", "id", "v", "messageId", 1, "reason", longest)))).reason());
    }

    @Test
    @DisplayName("read parses the conversation and seq")
    void read() {
      var read = assertInstanceOf(ClientCommand.Read.class,
          parse("{\"type\":\"read\",\"id\":\"r\",\"conversationId\":3,\"seq\":17}"));
      assertEquals(3L, read.conversationId());
      assertEquals(17L, read.seq());
    }

    @Test
    @DisplayName("sync parses its since cursors in the order given, an empty object included")
    void sync() {
      var sync = assertInstanceOf(ClientCommand.Sync.class,
          parse("{\"type\":\"sync\",\"id\":\"y\",\"since\":{\"30\":7,\"4\":0,\"1000000000000\":123}}"));
      assertEquals(List.of(30L, 4L, 1_000_000_000_000L), List.copyOf(sync.since().keySet()));
      assertEquals(List.of(7L, 0L, 123L), List.copyOf(sync.since().values()));
      assertEquals(Map.of(), assertInstanceOf(ClientCommand.Sync.class,
          parse("{\"type\":\"sync\",\"id\":\"y\",\"since\":{}}")).since());
    }

    @Test
    @DisplayName("history defaults to the latest 50 and takes one cursor and a limit of 1 to 200")
    void history() {
      var latest = assertInstanceOf(ClientCommand.History.class,
          parse("{\"type\":\"history\",\"id\":\"h\",\"conversationId\":8}"));
      assertEquals(8L, latest.conversationId());
      assertNull(latest.beforeSeq());
      assertNull(latest.afterSeq());
      assertEquals(50, latest.limit());

      var before = assertInstanceOf(ClientCommand.History.class,
          parse("{\"type\":\"history\",\"id\":\"h\",\"conversationId\":8,\"beforeSeq\":40,\"limit\":200}"));
      assertEquals(40L, before.beforeSeq());
      assertEquals(200, before.limit());

      var after = assertInstanceOf(ClientCommand.History.class,
          parse("{\"type\":\"history\",\"id\":\"h\",\"conversationId\":8,\"afterSeq\":0,\"limit\":1}"));
      assertEquals(0L, after.afterSeq());
      assertEquals(1, after.limit());
    }

    @Test
    @DisplayName("typing and ping parse; only typing is rate limited")
    void typingAndPing() {
      var typing = assertInstanceOf(ClientCommand.Typing.class,
          parse("{\"type\":\"typing\",\"id\":\"t\",\"conversationId\":5}"));
      assertEquals(5L, typing.conversationId());
      assertFalse(typing.pipelined());
      var ping = assertInstanceOf(ClientCommand.Ping.class, parse("{\"type\":\"ping\",\"id\":\"p\"}"));
      assertEquals("p", ping.id());
      assertFalse(ping.pipelined());
    }
  }

  @Nested
  @DisplayName("the id")
  class Ids {

    @Test
    @DisplayName("idOf gives the string id, and null when the id is absent, null, not a string, or the frame is not an object")
    void idOf() {
      assertEquals("abc", CommandParser.idOf(frame("{\"id\":\"abc\",\"type\":\"nope\"}")));
      assertNull(CommandParser.idOf(frame("{\"type\":\"ping\"}")));
      assertNull(CommandParser.idOf(frame("{\"type\":\"ping\",\"id\":null}")));
      assertNull(CommandParser.idOf(frame("{\"type\":\"ping\",\"id\":7}")));
      assertNull(CommandParser.idOf(frame("[1,2]")));
      assertNull(CommandParser.idOf(null));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "{\"type\":\"ping\"}",
        "{\"type\":\"ping\",\"id\":null}",
        "{\"type\":\"ping\",\"id\":7}",
        "{\"type\":\"ping\",\"id\":true}",
        "{\"type\":\"ping\",\"id\":[\"a\"]}",
        "{\"type\":\"ping\",\"id\":{\"a\":1}}"})
    @DisplayName("a frame whose id is missing or not a string is BAD_REQUEST")
    void missingOrWrongId(String json) {
      assertEquals(ErrorCode.BAD_REQUEST, rejection(json));
    }

    @Test
    @DisplayName("an id of 128 characters is fine, 129 is BAD_REQUEST")
    void idLength() {
      assertEquals("i".repeat(128), parse("{\"type\":\"ping\",\"id\":\"" + "i".repeat(128) + "\"}").id());
      assertEquals(ErrorCode.BAD_REQUEST, rejection("{\"type\":\"ping\",\"id\":\"" + "i".repeat(129) + "\"}"));
    }
  }

  static Stream<Arguments> malformed() {
    return Stream.of(
        // not a command object
        Arguments.of("an array", "[]"),
        Arguments.of("a string", "\"ping\""),
        Arguments.of("a number", "42"),
        Arguments.of("null", "null"),
        // type
        Arguments.of("no type", "{\"id\":\"x\"}"),
        Arguments.of("type null", "{\"id\":\"x\",\"type\":null}"),
        Arguments.of("type a number", "{\"id\":\"x\",\"type\":1}"),
        Arguments.of("unknown type", "{\"id\":\"x\",\"type\":\"frobnicate\"}"),
        Arguments.of("type in another case", "{\"id\":\"x\",\"type\":\"PING\"}"),
        // auth
        Arguments.of("auth without token", "{\"id\":\"x\",\"type\":\"auth\",\"deviceId\":\"d\"}"),
        Arguments.of("auth token a number", "{\"id\":\"x\",\"type\":\"auth\",\"token\":5,\"deviceId\":\"d\"}"),
        Arguments.of("auth without deviceId", "{\"id\":\"x\",\"type\":\"auth\",\"token\":\"t\"}"),
        Arguments.of("auth deviceId an object", "{\"id\":\"x\",\"type\":\"auth\",\"token\":\"t\",\"deviceId\":{}}"),
        Arguments.of("auth since an array", "{\"id\":\"x\",\"type\":\"auth\",\"token\":\"t\",\"deviceId\":\"d\",\"since\":[]}"),
        // send
        Arguments.of("send with neither target", "{\"id\":\"x\",\"type\":\"send\",\"clientMsgId\":\"c\",\"text\":\"t\"}"),
        Arguments.of("send with both targets", "{\"id\":\"x\",\"type\":\"send\",\"conversationId\":1,\"to\":2,\"clientMsgId\":\"c\",\"text\":\"t\"}"),
        Arguments.of("send conversationId a string", "{\"id\":\"x\",\"type\":\"send\",\"conversationId\":\"1\",\"clientMsgId\":\"c\",\"text\":\"t\"}"),
        Arguments.of("send conversationId a fraction", "{\"id\":\"x\",\"type\":\"send\",\"conversationId\":1.5,\"clientMsgId\":\"c\",\"text\":\"t\"}"),
        Arguments.of("send conversationId zero", "{\"id\":\"x\",\"type\":\"send\",\"conversationId\":0,\"clientMsgId\":\"c\",\"text\":\"t\"}"),
        Arguments.of("send conversationId negative", "{\"id\":\"x\",\"type\":\"send\",\"conversationId\":-4,\"clientMsgId\":\"c\",\"text\":\"t\"}"),
        Arguments.of("send conversationId beyond a long", "{\"id\":\"x\",\"type\":\"send\",\"conversationId\":99999999999999999999,\"clientMsgId\":\"c\",\"text\":\"t\"}"),
        Arguments.of("send to a string", "{\"id\":\"x\",\"type\":\"send\",\"to\":\"2\",\"clientMsgId\":\"c\",\"text\":\"t\"}"),
        Arguments.of("send without clientMsgId", "{\"id\":\"x\",\"type\":\"send\",\"conversationId\":1,\"text\":\"t\"}"),
        Arguments.of("send clientMsgId a number", "{\"id\":\"x\",\"type\":\"send\",\"conversationId\":1,\"clientMsgId\":5,\"text\":\"t\"}"),
        Arguments.of("send clientMsgId empty", "{\"id\":\"x\",\"type\":\"send\",\"conversationId\":1,\"clientMsgId\":\"\",\"text\":\"t\"}"),
        Arguments.of("send clientMsgId with a space", "{\"id\":\"x\",\"type\":\"send\",\"conversationId\":1,\"clientMsgId\":\"a b\",\"text\":\"t\"}"),
        Arguments.of("send clientMsgId with a dot", "{\"id\":\"x\",\"type\":\"send\",\"conversationId\":1,\"clientMsgId\":\"a.b\",\"text\":\"t\"}"),
        Arguments.of("send clientMsgId of 65", "{\"id\":\"x\",\"type\":\"send\",\"conversationId\":1,\"clientMsgId\":\"" + "c".repeat(65) + "\",\"text\":\"t\"}"),
        Arguments.of("send without text", "{\"id\":\"x\",\"type\":\"send\",\"conversationId\":1,\"clientMsgId\":\"c\"}"),
        Arguments.of("send text null", "{\"id\":\"x\",\"type\":\"send\",\"conversationId\":1,\"clientMsgId\":\"c\",\"text\":null}"),
        Arguments.of("send text a number", "{\"id\":\"x\",\"type\":\"send\",\"conversationId\":1,\"clientMsgId\":\"c\",\"text\":5}"),
        Arguments.of("send text an array", "{\"id\":\"x\",\"type\":\"send\",\"conversationId\":1,\"clientMsgId\":\"c\",\"text\":[\"t\"]}"),
        // recall, revoke
        Arguments.of("recall without messageId", "{\"id\":\"x\",\"type\":\"recall\"}"),
        Arguments.of("recall messageId a string", "{\"id\":\"x\",\"type\":\"recall\",\"messageId\":\"7\"}"),
        Arguments.of("recall messageId zero", "{\"id\":\"x\",\"type\":\"recall\",\"messageId\":0}"),
        Arguments.of("revoke without messageId", "{\"id\":\"x\",\"type\":\"revoke\",\"reason\":\"r\"}"),
        Arguments.of("revoke messageId a boolean", "{\"id\":\"x\",\"type\":\"revoke\",\"messageId\":true}"),
        Arguments.of("revoke reason a number", "{\"id\":\"x\",\"type\":\"revoke\",\"messageId\":1,\"reason\":3}"),
        Arguments.of("revoke reason of 257 code points", Json.encode(Map.of("id", "x", "type", "revoke", "messageId", 1,
            "reason", EMOJI.repeat(CommandParser.MAX_REASON_CODE_POINTS + 1)))),
        Arguments.of("revoke reason with a lone surrogate", Json.encode(Map.of("id", "x", "type", "revoke", "messageId", 1,
            "reason", "bad \uD800 reason"))),
        Arguments.of("revoke reason with NUL", Json.encode(Map.of("id", "x", "type", "revoke", "messageId", 1,
            "reason", "a\u0000b"))),
        // read
        Arguments.of("read without conversationId", "{\"id\":\"x\",\"type\":\"read\",\"seq\":1}"),
        Arguments.of("read without seq", "{\"id\":\"x\",\"type\":\"read\",\"conversationId\":1}"),
        Arguments.of("read seq zero", "{\"id\":\"x\",\"type\":\"read\",\"conversationId\":1,\"seq\":0}"),
        Arguments.of("read seq a string", "{\"id\":\"x\",\"type\":\"read\",\"conversationId\":1,\"seq\":\"3\"}"),
        Arguments.of("read conversationId a fraction", "{\"id\":\"x\",\"type\":\"read\",\"conversationId\":1.0,\"seq\":3}"),
        // sync
        Arguments.of("sync without since", "{\"id\":\"x\",\"type\":\"sync\"}"),
        Arguments.of("sync since null", "{\"id\":\"x\",\"type\":\"sync\",\"since\":null}"),
        Arguments.of("sync since a string", "{\"id\":\"x\",\"type\":\"sync\",\"since\":\"yesterday\"}"),
        Arguments.of("sync since an array", "{\"id\":\"x\",\"type\":\"sync\",\"since\":[[1,2]]}"),
        Arguments.of("sync key not a number", "{\"id\":\"x\",\"type\":\"sync\",\"since\":{\"abc\":1}}"),
        Arguments.of("sync key zero", "{\"id\":\"x\",\"type\":\"sync\",\"since\":{\"0\":1}}"),
        Arguments.of("sync key negative", "{\"id\":\"x\",\"type\":\"sync\",\"since\":{\"-2\":1}}"),
        Arguments.of("sync key beyond a long", "{\"id\":\"x\",\"type\":\"sync\",\"since\":{\"99999999999999999999\":1}}"),
        Arguments.of("sync value negative", "{\"id\":\"x\",\"type\":\"sync\",\"since\":{\"1\":-1}}"),
        Arguments.of("sync value a string", "{\"id\":\"x\",\"type\":\"sync\",\"since\":{\"1\":\"5\"}}"),
        Arguments.of("sync value a fraction", "{\"id\":\"x\",\"type\":\"sync\",\"since\":{\"1\":2.5}}"),
        Arguments.of("sync value null", "{\"id\":\"x\",\"type\":\"sync\",\"since\":{\"1\":null}}"),
        // history
        Arguments.of("history without conversationId", "{\"id\":\"x\",\"type\":\"history\"}"),
        Arguments.of("history conversationId a string", "{\"id\":\"x\",\"type\":\"history\",\"conversationId\":\"1\"}"),
        Arguments.of("history with both cursors", "{\"id\":\"x\",\"type\":\"history\",\"conversationId\":1,\"beforeSeq\":9,\"afterSeq\":2}"),
        Arguments.of("history beforeSeq negative", "{\"id\":\"x\",\"type\":\"history\",\"conversationId\":1,\"beforeSeq\":-1}"),
        Arguments.of("history afterSeq a string", "{\"id\":\"x\",\"type\":\"history\",\"conversationId\":1,\"afterSeq\":\"2\"}"),
        Arguments.of("history limit zero", "{\"id\":\"x\",\"type\":\"history\",\"conversationId\":1,\"limit\":0}"),
        Arguments.of("history limit 201", "{\"id\":\"x\",\"type\":\"history\",\"conversationId\":1,\"limit\":201}"),
        Arguments.of("history limit a string", "{\"id\":\"x\",\"type\":\"history\",\"conversationId\":1,\"limit\":\"10\"}"),
        Arguments.of("history limit a fraction", "{\"id\":\"x\",\"type\":\"history\",\"conversationId\":1,\"limit\":10.5}"),
        Arguments.of("history limit beyond an int", "{\"id\":\"x\",\"type\":\"history\",\"conversationId\":1,\"limit\":4294967346}"),
        // typing
        Arguments.of("typing without conversationId", "{\"id\":\"x\",\"type\":\"typing\"}"),
        Arguments.of("typing conversationId an object", "{\"id\":\"x\",\"type\":\"typing\",\"conversationId\":{}}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  @DisplayName("a wrong type, a missing field or a bad value is BAD_REQUEST")
  void badRequest(String why, String json) {
    assertEquals(ErrorCode.BAD_REQUEST, rejection(json));
  }

  @Nested
  @DisplayName("message text")
  class Text {

    @Test
    @DisplayName("4000 code points are accepted, astral characters counting one each")
    void atTheLimit() {
      String ascii = "a".repeat(Validation.MAX_TEXT_CODE_POINTS);
      assertEquals(ascii, ((ClientCommand.Send) parse(sendWithText(ascii))).text());
      String astral = EMOJI.repeat(Validation.MAX_TEXT_CODE_POINTS);
      assertEquals(8000, astral.length());
      assertEquals(astral, ((ClientCommand.Send) parse(sendWithText(astral))).text());
      String mixed = "a".repeat(3999) + EMOJI;
      assertEquals(mixed, ((ClientCommand.Send) parse(sendWithText(mixed))).text());
    }

    @Test
    @DisplayName("4001 code points are TOO_LARGE")
    void overTheLimit() {
      assertEquals(ErrorCode.TOO_LARGE, rejection(sendWithText("a".repeat(4001))));
      assertEquals(ErrorCode.TOO_LARGE, rejection(sendWithText(EMOJI.repeat(4001))));
      assertEquals(ErrorCode.TOO_LARGE, rejection(sendWithText("a".repeat(4000) + EMOJI)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.parley.protocol.CommandParserTest#badTexts")
    @DisplayName("empty, whitespace-only, NUL and lone-surrogate texts are BAD_REQUEST")
    void badText(String why, String text) {
      assertEquals(ErrorCode.BAD_REQUEST, rejection(sendWithText(text)));
    }

    @Test
    @DisplayName("text with whitespace around a visible character is kept as sent")
    void whitespaceAroundText() {
      assertEquals("\u3000 .\t", ((ClientCommand.Send) parse(sendWithText("\u3000 .\t"))).text());
    }
  }

  static Stream<Arguments> badTexts() {
    return Stream.of(
        Arguments.of("empty", ""),
        Arguments.of("spaces", "   "),
        Arguments.of("tabs and newlines", "\t\n\r\n"),
        Arguments.of("ideographic space", "\u3000\u3000"),
        Arguments.of("no-break spaces", "\u00A0\u2007\u202F"),
        Arguments.of("NUL alone", "\u0000"),
        Arguments.of("NUL inside", "a\u0000b"),
        Arguments.of("lone high surrogate", "hi \uD83D"),
        Arguments.of("lone low surrogate", "\uDE00 there"),
        Arguments.of("surrogates reversed", "\uDE00\uD83D"));
  }

  @Nested
  @DisplayName("since cursors")
  class Since {

    @Test
    @DisplayName("absent or null since is no cursors; an object maps conversation ids to seqs >= 0")
    void optionalSince() {
      assertEquals(Map.of(), CommandParser.optionalSince(null));
      assertEquals(Map.of(), CommandParser.optionalSince(frame("null")));
      assertEquals(Map.of(1L, 0L, 2L, 99L), CommandParser.optionalSince(frame("{\"1\":0,\"2\":99}")));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"[]", "\"1:2\"", "5", "{\"x\":1}", "{\"0\":1}", "{\"1\":-1}", "{\"1\":true}", "{\"1\":{}}"})
    @DisplayName("anything else is BAD_REQUEST")
    void badSince(String json) {
      assertEquals(ErrorCode.BAD_REQUEST,
          assertThrows(ChatException.class, () -> CommandParser.optionalSince(frame(json))).code());
    }
  }
}
