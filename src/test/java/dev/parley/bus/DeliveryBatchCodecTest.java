package dev.parley.bus;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.buffer.Buffer;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The wire form of a delivery batch between nodes, including its trailing commit timestamp. */
class DeliveryBatchCodecTest {

  private final DeliveryBatchCodec codec = new DeliveryBatchCodec();
  private final DeliveryBatch batch = new DeliveryBatch(List.of(
      new Delivery(Delivery.Effect.LOG, 7, 42, new long[] {1, 2}, "node/1", "{\"type\":\"message\"}"),
      Delivery.plain(7, new long[] {3}, null, "{\"type\":\"typing\"}")), 1_700_000_000_123L);

  @Test
  @DisplayName("a batch survives the wire with its deliveries and commit timestamp, after a prefix the bus writes")
  void roundTrip() {
    Buffer wire = Buffer.buffer().appendString("header");
    codec.encodeToWire(wire, batch);
    DeliveryBatch decoded = codec.decodeFromWire(6, wire);
    assertEquals(1_700_000_000_123L, decoded.committedAtMs());
    assertEquals(2, decoded.deliveries().size());
    Delivery first = decoded.deliveries().get(0);
    assertEquals(Delivery.Effect.LOG, first.effect());
    assertEquals(42, first.seq());
    assertArrayEquals(new long[] {1, 2}, first.recipients());
    assertEquals("node/1", first.exceptConnection());
    assertEquals("{\"type\":\"typing\"}", decoded.deliveries().get(1).frame());
  }

  @Test
  @DisplayName("a batch from a node without the timestamp (the previous release) decodes with 0")
  void previousRelease() {
    Buffer wire = Buffer.buffer();
    codec.encodeToWire(wire, batch);
    Buffer withoutTimestamp = wire.getBuffer(0, wire.length() - 8);
    DeliveryBatch decoded = codec.decodeFromWire(0, withoutTimestamp);
    assertEquals(0, decoded.committedAtMs());
    assertEquals(2, decoded.deliveries().size());
  }
}
