package dev.parley.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.protocol.ChatException;
import dev.parley.protocol.ClientCommand;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.Events;
import dev.parley.protocol.ServerFrame;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The pipeline fed frames on a fake clock; its handler is answered by the test. */
class CommandPipelineTest {

  /** A command the handler started, with the two moments the test completes. */
  private record Started(ClientCommand command, Promise<Void> released, Promise<Void> replied) {}

  private final List<Started> started = new ArrayList<>();
  private final List<ServerFrame> replies = new ArrayList<>();
  private final Map<String, Started> byId = new HashMap<>();
  private long now = 1_000_000_000L;
  private long userWaitMs;
  private int abuses;
  private CommandPipeline pipeline;

  @BeforeEach
  void setUp() {
    pipeline(new CommandPipeline.Limits(20, 40, 100));
  }

  private void pipeline(CommandPipeline.Limits limits) {
    pipeline = new CommandPipeline(command -> {
      Started s = new Started(command, Promise.promise(), Promise.promise());
      started.add(s);
      byId.put(command.id(), s);
      if (!command.pipelined()) {
        return CommandPipeline.Step.of(s.replied().future());
      }
      return new CommandPipeline.Step(s.released().future(), s.replied().future());
    }, new CommandPipeline.Port() {
      @Override
      public void reply(ServerFrame frame) {
        replies.add(frame);
      }

      @Override
      public void abuse() {
        abuses++;
      }
    }, nowNanos -> userWaitMs, limits, () -> now);
  }

  private static String send(String id) {
    return "{\"type\":\"send\",\"id\":\"" + id + "\",\"conversationId\":1,\"clientMsgId\":\"" + id + "\",\"text\":\"hi\"}";
  }

  private static String history(String id, int limit) {
    return "{\"type\":\"history\",\"id\":\"" + id + "\",\"conversationId\":1,\"limit\":" + limit + "}";
  }

  private static String ping(String id) {
    return "{\"type\":\"ping\",\"id\":\"" + id + "\"}";
  }

  private List<String> startedIds() {
    return started.stream().map(s -> s.command().id()).toList();
  }

  private Events.Error lastError() {
    return (Events.Error) replies.get(replies.size() - 1);
  }

  @Nested
  @DisplayName("order")
  class Order {

    @Test
    @DisplayName("sends pipeline: the next starts once the previous is queued, before its ack")
    void sendsPipeline() {
      pipeline.submit(send("s1"));
      pipeline.submit(send("s2"));
      assertEquals(List.of("s1"), startedIds());
      byId.get("s1").released().complete();
      assertEquals(List.of("s1", "s2"), startedIds());
    }

    @Test
    @DisplayName("a history right behind a send starts only once the send is acked, so it sees the message")
    void historyWaitsForSendAck() {
      pipeline.submit(send("s1"));
      pipeline.submit(send("s2"));
      pipeline.submit(history("h", 50));
      byId.get("s1").released().complete();
      byId.get("s2").released().complete();
      assertEquals(List.of("s1", "s2"), startedIds());
      byId.get("s2").replied().complete();
      assertEquals(List.of("s1", "s2"), startedIds());
      byId.get("s1").replied().complete();
      assertEquals(List.of("s1", "s2", "h"), startedIds());
    }

    @Test
    @DisplayName("every command waits for the one before it")
    void oneAtATime() {
      pipeline.submit(history("a", 10));
      pipeline.submit(ping("b"));
      assertEquals(List.of("a"), startedIds());
      byId.get("a").replied().complete();
      assertEquals(List.of("a", "b"), startedIds());
    }

    @Test
    @DisplayName("a task queued first (the resume after auth) runs before later commands")
    void firstTask() {
      Promise<Void> resume = Promise.promise();
      pipeline.first(resume::future);
      pipeline.submit(ping("p"));
      assertEquals(List.of(), startedIds());
      resume.complete();
      assertEquals(List.of("p"), startedIds());
    }
  }

  @Nested
  @DisplayName("replies")
  class Replies {

    @Test
    @DisplayName("a malformed frame gets BAD_REQUEST at once, with its id when it has one")
    void malformed() {
      pipeline.submit("{\"type\":\"nope\",\"id\":\"x\"}");
      pipeline.submit("[1]");
      assertEquals("x", ((Events.Error) replies.get(0)).id());
      assertEquals(ErrorCode.BAD_REQUEST, ((Events.Error) replies.get(0)).code());
      assertEquals(null, ((Events.Error) replies.get(1)).id());
      assertTrue(started.isEmpty());
    }

    @Test
    @DisplayName("a second auth is refused")
    void secondAuth() {
      pipeline.submit("{\"type\":\"auth\",\"id\":\"a\",\"token\":\"t\",\"deviceId\":\"d\"}");
      assertEquals("already authenticated", lastError().message());
    }

    @Test
    @DisplayName("a failed command is answered with its error, and the line moves on")
    void failure() {
      pipeline.submit(history("h", 10));
      pipeline.submit(ping("p"));
      byId.get("h").replied().fail(ChatException.notFound("conversation"));
      assertEquals(ErrorCode.NOT_FOUND, lastError().code());
      assertEquals("h", lastError().id());
      assertEquals(List.of("h", "p"), startedIds());
    }

    @Test
    @DisplayName("a command that throws is answered INTERNAL")
    void bug() {
      pipeline = new CommandPipeline(command -> {
        throw new IllegalStateException("bug");
      }, new CommandPipeline.Port() {
        @Override
        public void reply(ServerFrame frame) {
          replies.add(frame);
        }

        @Override
        public void abuse() {
        }
      }, n -> 0, new CommandPipeline.Limits(20, 40, 100), () -> now);
      pipeline.submit(ping("p"));
      assertEquals(ErrorCode.INTERNAL, lastError().code());
    }

    @Test
    @DisplayName("drain completes once every accepted command has its reply; later frames are not run")
    void drain() {
      pipeline.submit(send("s1"));
      pipeline.submit(history("h", 10));
      byId.get("s1").released().complete();
      Future<Void> drained = pipeline.drain();
      pipeline.submit(ping("late"));
      assertFalse(drained.isComplete());
      byId.get("s1").replied().complete();
      assertFalse(drained.isComplete());
      byId.get("h").replied().complete();
      assertTrue(drained.succeeded());
      assertEquals(List.of("s1", "h"), startedIds());
      assertTrue(pipeline.idle());
    }
  }

  @Nested
  @DisplayName("limits")
  class Limits {

    @Test
    @DisplayName("the burst is spent by cost; a refusal says when to retry; the bucket refills with time")
    void costWeighted() {
      // history with limit 200 costs 5: eight of them spend the burst of 40.
      for (int i = 0; i < 8; i++) {
        pipeline.submit(history("h" + i, 200));
        byId.get("h" + i).replied().complete();
      }
      pipeline.submit(history("over", 200));
      Events.Error refused = lastError();
      assertEquals(ErrorCode.RATE_LIMITED, refused.code());
      assertEquals(250L, refused.retryAfterMs()); // 5 tokens at 20/s
      now += 250_000_000L;
      pipeline.submit(history("again", 200));
      assertTrue(byId.containsKey("again"));
    }

    @Test
    @DisplayName("sync costs by the conversations it names; ping is cheap but not free")
    void syncAndPing() {
      assertEquals(12.0, CommandCost.of(new ClientCommand.Sync("s", Map.of(1L, 0L, 2L, 0L, 3L, 0L, 4L, 0L, 5L, 0L,
          6L, 0L, 7L, 0L, 8L, 0L, 9L, 0L, 10L, 0L))));
      assertTrue(CommandCost.of(new ClientCommand.Ping("p")) > 0);
      assertEquals(1.0, CommandCost.of(new ClientCommand.Typing("t", 1)));
      pipeline(new CommandPipeline.Limits(1, 1, 100));
      for (int i = 0; i < 10; i++) {
        pipeline.submit(ping("p" + i));
        byId.get("p" + i).replied().complete();
      }
      pipeline.submit(ping("eleventh"));
      assertEquals(ErrorCode.RATE_LIMITED, lastError().code());
    }

    @Test
    @DisplayName("a send the user's node-wide budget refuses is RATE_LIMITED even with tokens left here")
    void userBudget() {
      userWaitMs = 30;
      pipeline.submit(send("s"));
      assertEquals(ErrorCode.RATE_LIMITED, lastError().code());
      assertEquals(30L, lastError().retryAfterMs());
      pipeline.submit(history("h", 10)); // only sends, edits and reactions draw on the user's budget
      assertTrue(byId.containsKey("h"));
    }

    @Test
    @DisplayName("edits and reactions cost a token like a send and draw on the user's budget too")
    void editsAndReactionsLikeSends() {
      assertEquals(1.0, CommandCost.of(new ClientCommand.Edit("e", 1, "t")));
      assertEquals(1.0, CommandCost.of(new ClientCommand.React("r", 1, "x", true)));
      userWaitMs = 30;
      pipeline.submit("{\"type\":\"edit\",\"id\":\"e\",\"messageId\":1,\"text\":\"new\"}");
      assertEquals(ErrorCode.RATE_LIMITED, lastError().code());
      assertEquals("e", lastError().id());
      pipeline.submit("{\"type\":\"react\",\"id\":\"r\",\"messageId\":1,\"emoji\":\"\uD83D\uDC4D\",\"add\":true}");
      assertEquals(ErrorCode.RATE_LIMITED, lastError().code());
      assertEquals("r", lastError().id());
      assertFalse(byId.containsKey("e") || byId.containsKey("r"), "neither ran");
    }

    @Test
    @DisplayName("100 refusals within a minute is abuse; fewer spread over minutes is not")
    void abuse() {
      pipeline(new CommandPipeline.Limits(1, 1, 100));
      pipeline.submit(ping("first"));
      byId.get("first").replied().complete();
      for (int i = 0; i < 99; i++) {
        pipeline.submit(history("h", 200));
      }
      assertEquals(0, abuses);
      now += 61_000_000_000L;
      // A minute later the bucket is full again: the first is admitted, the next 99 refused.
      for (int i = 0; i < 100; i++) {
        pipeline.submit(history("h", 200));
      }
      assertEquals(0, abuses);
      pipeline.submit(history("h", 200));
      assertEquals(1, abuses);
    }
  }
}
