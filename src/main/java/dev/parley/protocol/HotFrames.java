package dev.parley.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.util.List;

/**
 * Hand-written Jackson serializers for the two frames every message makes: its {@code message}
 * event and the sender's {@code ack}. Jackson's record serializer reads each component through
 * reflection ({@code Method.invoke}); in the pairs bench at 1,000 msg/s encoding these two was
 * ~7% of the node's CPU. The output is byte for byte what the record serializer writes (same
 * names, order and null handling; {@code HotFramesTest} compares the two), so a new component
 * of either record must be added here too (the test fails until it is).
 */
final class HotFrames {

  private HotFrames() {}

  static SimpleModule module() {
    return new SimpleModule("parley-hot-frames")
        .addSerializer(Events.Message.class, new MessageSerializer())
        .addSerializer(ServerFrame.SendAck.class, new SendAckSerializer());
  }

  /** {@link Events.Message}, components in declaration order, nulls written. */
  static final class MessageSerializer extends StdSerializer<Events.Message> {

    MessageSerializer() {
      super(Events.Message.class);
    }

    @Override
    public void serialize(Events.Message m, JsonGenerator g, SerializerProvider provider) throws IOException {
      g.writeStartObject(m);
      g.writeStringField("type", m.type());
      g.writeNumberField("conversationId", m.conversationId());
      g.writeNumberField("seq", m.seq());
      g.writeNumberField("messageId", m.messageId());
      g.writeNumberField("senderId", m.senderId());
      g.writeStringField("clientMsgId", m.clientMsgId());
      g.writeStringField("text", m.text());
      g.writeNumberField("ts", m.ts());
      g.writeStringField("status", m.status());
      longField(g, "replyTo", m.replyTo());
      longField(g, "editedAt", m.editedAt());
      g.writeFieldName("mentions");
      longs(g, m.mentions());
      g.writeFieldName("reactions");
      list(g, provider, m.reactions());
      g.writeFieldName("attachments");
      list(g, provider, m.attachments());
      g.writeEndObject();
    }
  }

  /** {@link ServerFrame.SendAck}, components in declaration order. */
  static final class SendAckSerializer extends StdSerializer<ServerFrame.SendAck> {

    SendAckSerializer() {
      super(ServerFrame.SendAck.class);
    }

    @Override
    public void serialize(ServerFrame.SendAck ack, JsonGenerator g, SerializerProvider provider) throws IOException {
      g.writeStartObject(ack);
      g.writeStringField("type", ack.type());
      g.writeStringField("id", ack.id());
      g.writeNumberField("conversationId", ack.conversationId());
      g.writeNumberField("messageId", ack.messageId());
      g.writeNumberField("seq", ack.seq());
      g.writeNumberField("ts", ack.ts());
      g.writeEndObject();
    }
  }

  private static void longField(JsonGenerator g, String name, Long value) throws IOException {
    if (value == null) {
      g.writeNullField(name);
    } else {
      g.writeNumberField(name, value.longValue());
    }
  }

  private static void longs(JsonGenerator g, List<Long> values) throws IOException {
    if (values == null) {
      g.writeNull();
      return;
    }
    g.writeStartArray();
    for (Long value : values) {
      if (value == null) {
        g.writeNull();
      } else {
        g.writeNumber(value.longValue());
      }
    }
    g.writeEndArray();
  }

  /** An empty list is written here; a non-empty one (rare on the hot path) by Jackson as before. */
  private static void list(JsonGenerator g, SerializerProvider provider, List<?> values) throws IOException {
    if (values != null && values.isEmpty()) {
      g.writeStartArray();
      g.writeEndArray();
    } else {
      provider.defaultSerializeValue(values, g);
    }
  }
}
