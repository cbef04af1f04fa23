package dev.parley.bus;

import io.vertx.core.eventbus.EventBus;
import java.util.Map;

/** Registers Parley's codecs once per Vertx instance and picks them by body type. */
public final class Codecs {

  private Codecs() {}

  public static void register(EventBus bus) {
    Map<Class<?>, String> byType = Map.of(
        DeliveryBatch.class, DeliveryBatchCodec.NAME,
        AppendMessage.class, local(bus, AppendMessage.class),
        MessageAppended.class, local(bus, MessageAppended.class),
        WithdrawMessage.class, local(bus, WithdrawMessage.class),
        MessageWithdrawn.class, local(bus, MessageWithdrawn.class),
        EditMessage.class, local(bus, EditMessage.class),
        ReactToMessage.class, local(bus, ReactToMessage.class),
        MessageChanged.class, local(bus, MessageChanged.class),
        SignedOut.class, json(bus, SignedOut.class));
    bus.registerCodec(new DeliveryBatchCodec());
    bus.codecSelector(body -> body == null ? null : byType.get(body.getClass()));
  }

  private static <T> String json(EventBus bus, Class<T> type) {
    JsonCodec<T> codec = new JsonCodec<>(type);
    bus.registerCodec(codec);
    return codec.name();
  }

  private static <T> String local(EventBus bus, Class<T> type) {
    LocalCodec<T> codec = new LocalCodec<>(type);
    bus.registerCodec(codec);
    return codec.name();
  }
}
