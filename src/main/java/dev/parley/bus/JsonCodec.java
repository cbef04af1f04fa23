package dev.parley.bus;

import dev.parley.protocol.Json;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;

/**
 * Carries a record across the cluster as JSON through Jackson, for the rare bus messages that do
 * not earn a hand-written layout; passed by reference on the publishing node.
 */
public final class JsonCodec<T> implements MessageCodec<T, T> {

  private final Class<T> type;
  private final String name;

  public JsonCodec(Class<T> type) {
    this.type = type;
    this.name = "parley.json." + type.getSimpleName();
  }

  @Override
  public void encodeToWire(Buffer buffer, T value) {
    Buffer json = Buffer.buffer(Json.encode(value));
    buffer.appendInt(json.length()).appendBuffer(json);
  }

  @Override
  public T decodeFromWire(int pos, Buffer buffer) {
    int length = buffer.getInt(pos);
    String text = buffer.getString(pos + 4, pos + 4 + length, "UTF-8");
    try {
      return Json.mapper().readValue(text, type);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("undecodable " + type.getSimpleName() + " on the bus", e);
    }
  }

  @Override
  public T transform(T value) {
    return value;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
