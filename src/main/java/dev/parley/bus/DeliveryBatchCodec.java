package dev.parley.bus;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Binary wire form of {@link DeliveryBatch}: the hottest bus message (every committed event
 * crosses to every node in one). A hand-written layout avoids a JSON round trip per event;
 * on the publishing node the batch is passed by reference.
 */
public final class DeliveryBatchCodec implements MessageCodec<DeliveryBatch, DeliveryBatch> {

  public static final String NAME = "parley.delivery-batch";
  private static final Delivery.Effect[] EFFECTS = Delivery.Effect.values();

  @Override
  public void encodeToWire(Buffer buffer, DeliveryBatch batch) {
    buffer.appendInt(batch.deliveries().size());
    for (Delivery d : batch.deliveries()) {
      buffer.appendByte((byte) d.effect().ordinal());
      buffer.appendLong(d.conversationId());
      buffer.appendLong(d.seq());
      buffer.appendInt(d.recipients().length);
      for (long recipient : d.recipients()) {
        buffer.appendLong(recipient);
      }
      appendString(buffer, d.exceptConnection());
      appendString(buffer, d.frame());
    }
    buffer.appendLong(batch.committedAtMs());
  }

  @Override
  public DeliveryBatch decodeFromWire(int pos, Buffer buffer) {
    int[] at = {pos};
    int count = buffer.getInt(at[0]);
    at[0] += 4;
    List<Delivery> deliveries = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      Delivery.Effect effect = EFFECTS[buffer.getByte(at[0])];
      long conversationId = buffer.getLong(at[0] + 1);
      long seq = buffer.getLong(at[0] + 9);
      int recipientCount = buffer.getInt(at[0] + 17);
      at[0] += 21;
      long[] recipients = new long[recipientCount];
      for (int r = 0; r < recipientCount; r++) {
        recipients[r] = buffer.getLong(at[0]);
        at[0] += 8;
      }
      String except = readString(buffer, at);
      String frame = readString(buffer, at);
      deliveries.add(new Delivery(effect, conversationId, seq, recipients, except, frame));
    }
    // The commit timestamp trails the deliveries, so a node of the previous release (which stops
    // reading after them) and this one (which finds nothing there) still understand each other.
    long committedAtMs = buffer.length() >= at[0] + 8 ? buffer.getLong(at[0]) : 0;
    return new DeliveryBatch(deliveries, committedAtMs);
  }

  private static void appendString(Buffer buffer, String value) {
    if (value == null) {
      buffer.appendInt(-1);
      return;
    }
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    buffer.appendInt(bytes.length).appendBytes(bytes);
  }

  private static String readString(Buffer buffer, int[] at) {
    int length = buffer.getInt(at[0]);
    at[0] += 4;
    if (length < 0) {
      return null;
    }
    String value = new String(buffer.getBytes(at[0], at[0] + length), StandardCharsets.UTF_8);
    at[0] += length;
    return value;
  }

  @Override
  public DeliveryBatch transform(DeliveryBatch batch) {
    return batch;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
