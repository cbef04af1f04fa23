package dev.parley.store;

import dev.parley.attach.UploadPurge;
import dev.parley.bus.Addresses;
import dev.parley.bus.AppendMessage;
import dev.parley.bus.BusFailures;
import dev.parley.bus.Delivery;
import dev.parley.bus.EditMessage;
import dev.parley.bus.Fanout;
import dev.parley.bus.MessageAppended;
import dev.parley.bus.MessageChanged;
import dev.parley.bus.MessageWithdrawn;
import dev.parley.bus.ReactToMessage;
import dev.parley.bus.WithdrawMessage;
import dev.parley.chat.GroupPolicy;
import dev.parley.config.AppConfig;
import dev.parley.ops.NodeMetrics;
import dev.parley.protocol.ChatException;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.Events;
import dev.parley.protocol.Json;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns writes to the conversation logs on this node. Sends from every local connection queue
 * here and go to PostgreSQL together: one {@code append_messages} statement (one commit) per batch,
 * one batch in flight by default ({@code PARLEY_APPEND_IN_FLIGHT}; never two with the same
 * conversation, {@link AppendQueue}), so each conversation's sends keep their order and the cost of
 * a durable commit is shared. After each commit it acks the senders and publishes one
 * {@link dev.parley.bus.DeliveryBatch} for every node. On stop it first finishes the queue: every
 * send it accepted is committed and answered before the verticle goes.
 */
public final class StoreVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(StoreVerticle.class);
  /** Unique violation (a concurrent duplicate send on another node), deadlock, serialization failure. */
  private static final Set<String> RETRYABLE = Set.of("23505", "40P01", "40001");
  private static final int MAX_ATTEMPTS = 5;

  private record Pending(AppendMessage command, Message<AppendMessage> request) {}

  private final AppConfig.DbConfig db;
  private final AppConfig.ChatConfig chat;
  private final NodeMetrics metrics;
  /** The store's own connections, made in {@link #start()} so that they run on this verticle's event loop. */
  private Pool pool;
  private ReadMarkers readMarkers;
  private Withdrawals withdrawals;
  private MessageChanges changes;
  private final AppendQueue<Pending> queue;
  private final MemberLists memberLists;
  private Fanout fanout;
  /** Set by {@link #stop()}: completed once the queue is empty and no batch is in flight. */
  private Promise<Void> drained;

  public StoreVerticle(AppConfig.DbConfig db, AppConfig.ChatConfig chat, NodeMetrics metrics) {
    this.db = db;
    this.chat = chat;
    this.metrics = metrics;
    this.queue = new AppendQueue<>(p -> p.command().conversationId(), chat.appendBatchSize(), chat.appendInFlight());
    this.memberLists = new MemberLists(chat.memberListIds());
  }

  @Override
  public Future<?> start() {
    // Created here, on this verticle's context, the pool's connections live on its event loop: a
    // statement's bytes are written and its result read on the thread that queued it, with no hop
    // to another loop and back per batch (the node's shared pool is on whichever loop made it).
    pool = Database.storePool(vertx, db);
    readMarkers = new ReadMarkers(pool);
    withdrawals = new Withdrawals(pool, chat.recallWindow(), UploadPurge.over(pool));
    changes = new MessageChanges(pool, chat.editWindow());
    fanout = new Fanout(vertx.eventBus());
    var append = vertx.eventBus().<AppendMessage>localConsumer(Addresses.STORE_APPEND, this::handleAppend);
    var withdraw = vertx.eventBus().<WithdrawMessage>localConsumer(Addresses.STORE_WITHDRAW, this::handleWithdraw);
    var edit = vertx.eventBus().<EditMessage>localConsumer(Addresses.STORE_EDIT, this::handleEdit);
    var react = vertx.eventBus().<ReactToMessage>localConsumer(Addresses.STORE_REACT, this::handleReact);
    return Future.all(append.completion(), withdraw.completion(), edit.completion(), react.completion());
  }

  private void handleAppend(Message<AppendMessage> request) {
    queue.add(new Pending(request.body(), request));
    flush();
  }

  /**
   * Finishes what was accepted: Vert.x unregisters the consumers only after this completes, so a
   * send that arrives meanwhile is queued and committed too. The node bounds how long it waits.
   */
  @Override
  public Future<?> stop() {
    drained = Promise.promise();
    if (queue.idle()) {
      drained.complete();
    }
    return drained.future().compose(v -> pool.close());
  }

  /** Starts every batch that may run now (AppendQueue: at most appendInFlight, never two with one conversation). */
  private void flush() {
    for (AppendQueue.Batch<Pending> batch = queue.next(); batch != null; batch = queue.next()) {
      run(batch);
    }
    if (queue.idle() && drained != null) {
      drained.tryComplete();
    }
  }

  private void run(AppendQueue.Batch<Pending> batch) {
    List<Pending> sends = batch.sends();
    AppendBatch rows = new AppendBatch(sends.stream().map(Pending::command).toList(), memberLists);
    appendWithRetry(rows.statement(), 1)
        .compose(result -> raced(result) ? appendWithRetry(rows.general(), 1) : Future.succeededFuture(result))
        .map(result -> {
          complete(sends, rows, result);
          return null;
        })
        .onFailure(failure -> {
          LOG.error("append of {} messages failed", sends.size(), failure);
          sends.forEach(p -> p.request().fail(ErrorCode.INTERNAL.busCode(), "could not store the message; retry"));
        })
        .onComplete(done -> {
          queue.done(batch);
          flush();
        });
  }

  /** The single-send statement stored nothing because the member list changed under it (AppendBatch.APPEND_ONE). */
  private static boolean raced(RowSet<Row> result) {
    for (Row row : result) {
      if (AppendOutcome.fromSql(row.getString(1)) == AppendOutcome.RACED) {
        return true;
      }
    }
    return false;
  }

  private Future<RowSet<Row>> appendWithRetry(AppendBatch.Statement statement, int attempt) {
    return pool.preparedQuery(statement.sql()).execute(statement.parameters())
        .recover(failure -> {
          // The whole statement rolled back, seqs included; running it again is safe and finds
          // a concurrent duplicate as 'duplicate' this time.
          if (attempt < MAX_ATTEMPTS && failure instanceof PgException pg && RETRYABLE.contains(pg.getSqlState())) {
            return appendWithRetry(statement, attempt + 1);
          }
          return Future.failedFuture(failure);
        });
  }

  /** One answer per distinct (sender, clientMsgId) row of the statement, by {@code o_idx}. */
  private record Stored(AppendOutcome outcome, MessageAppended appended, long[] members, Long[] mentions) {}

  private void complete(List<Pending> batch, AppendBatch rows, RowSet<Row> result) {
    Stored[] stored = new Stored[rows.rowCount()];
    long committedAt = 0;
    for (Row row : result) {
      // by position, in AppendBatch.APPEND's column order (a lookup by name per column and row
      // was 2 % of the node's CPU at 1,000 msg/s)
      AppendOutcome outcome = AppendOutcome.fromSql(row.getString(1));
      MessageAppended appended = null;
      if (outcome == AppendOutcome.APPENDED || outcome == AppendOutcome.DUPLICATE) {
        appended = new MessageAppended(row.getLong(2), row.getLong(3), row.getLong(4), row.getLong(5),
            outcome == AppendOutcome.DUPLICATE);
      }
      Long version = row.getLong(8); // o_members_version: on the first appended row of each conversation
      long[] members = version == null ? null
          : rows.members(appended.conversationId(), version, row.getArrayOfLongs(6), memberLists);
      stored[row.getInteger(0) - 1] = new Stored(outcome, appended, members, row.getArrayOfLongs(7));
      if (outcome == AppendOutcome.APPENDED) {
        committedAt = Math.max(committedAt, appended.ts());
      }
    }
    Map<Long, long[]> recipients = new HashMap<>();
    List<Delivery> deliveries = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      Pending pending = batch.get(i);
      Stored answer = stored[rows.rowOf(i)];
      switch (answer.outcome()) {
        case RACED -> throw new IllegalStateException("append_messages() never answers 'raced'");
        case NOT_MEMBER -> BusFailures.fail(pending.request(), ChatException.notFound("conversation"));
        case BAD_REPLY -> BusFailures.fail(pending.request(),
            ChatException.badRequest("replyTo is not a message of this conversation"));
        case DUPLICATE -> pending.request().reply(answer.appended());
        case APPENDED -> {
          if (rows.repeat(i)) { // the same pair again in this batch: the ack of the one stored
            MessageAppended first = answer.appended();
            pending.request().reply(new MessageAppended(first.conversationId(), first.messageId(), first.seq(),
                first.ts(), true));
            continue;
          }
          MessageAppended appended = answer.appended();
          long conversationId = appended.conversationId();
          if (answer.members() != null) {
            recipients.put(conversationId, answer.members());
          }
          pending.request().reply(appended);
          AppendMessage command = pending.command();
          Long[] mentions = answer.mentions();
          String frame = Json.encode(new Events.Message(conversationId, appended.seq(), appended.messageId(),
              command.senderId(), command.clientMsgId(), command.text(), appended.ts(), "normal", command.replyTo(),
              null, mentions == null ? List.of() : List.of(mentions), List.of(), command.attachments()));
          deliveries.add(new Delivery(Delivery.Effect.LOG, conversationId, appended.seq(),
              recipients.get(conversationId), command.senderConnection(), frame));
        }
      }
    }
    metrics.appended(batch.size(), deliveries.size());
    fanout.publish(deliveries, committedAt);
  }

  private void handleWithdraw(Message<WithdrawMessage> request) {
    WithdrawMessage command = request.body();
    var mode = command.revoke() ? GroupPolicy.WithdrawMode.REVOKE : GroupPolicy.WithdrawMode.RECALL;
    withdrawals.withdraw(command.messageId(), command.by(), mode, command.reason())
        .onSuccess(withdrawn -> answerWithdraw(request, withdrawn))
        .onFailure(failure -> BusFailures.fail(request, failure));
  }

  private void answerWithdraw(Message<WithdrawMessage> request, Withdrawals.Withdrawn withdrawn) {
    long conversationId = withdrawn.conversationId();
    request.reply(new MessageWithdrawn(conversationId, withdrawn.seq()));
    if (!withdrawn.created()) {
      return;
    }
    var recall = new Events.Recall(conversationId, withdrawn.seq(), withdrawn.messageId(), withdrawn.targetSeq(),
        withdrawn.by(), withdrawn.mode(), withdrawn.reason(), withdrawn.ts());
    fanout.publish(new Delivery(Delivery.Effect.LOG, conversationId, withdrawn.seq(), withdrawn.members(),
        request.body().connection(), Json.encode(recall)));
    if (withdrawn.wasNormal()) {
      publishUnreadChanges(conversationId, withdrawn.targetSender(), withdrawn.targetSeq());
    }
  }

  private void handleEdit(Message<EditMessage> request) {
    EditMessage command = request.body();
    answerChange(request, command.connection(), changes.edit(command.messageId(), command.by(), command.text()));
  }

  private void handleReact(Message<ReactToMessage> request) {
    ReactToMessage command = request.body();
    answerChange(request, command.connection(),
        changes.react(command.messageId(), command.by(), command.emoji(), command.add()));
  }

  /** Answers an edit or reaction and, when it appended an event, delivers it like a recall. */
  private void answerChange(Message<?> request, String connection, Future<MessageChanges.Changed> change) {
    change.onFailure(failure -> BusFailures.fail(request, failure)).onSuccess(changed -> {
      request.reply(new MessageChanged(changed.conversationId(), changed.seq(), changed.event() != null));
      if (changed.event() != null) {
        fanout.publish(new Delivery(Delivery.Effect.LOG, changed.conversationId(), changed.seq(), changed.members(),
            connection, Json.encode(changed.event())));
      }
    });
  }

  /** A withdrawn unread message lowers counts: tell each affected member's devices. */
  private void publishUnreadChanges(long conversationId, long senderId, long targetSeq) {
    readMarkers.afterWithdraw(conversationId, senderId, targetSeq)
        .onSuccess(changes -> fanout.publish(changes.stream()
            .map(change -> Delivery.plain(conversationId, new long[] {change.userId()}, null,
                Json.encode(new Events.Unread(conversationId, change.unread(), change.totalUnread()))))
            .toList()))
        .onFailure(failure -> LOG.warn("unread update after a withdrawal in {} failed", conversationId, failure));
  }

  static long[] unbox(Long[] values) {
    long[] result = new long[values.length];
    for (int i = 0; i < values.length; i++) {
      result[i] = values[i];
    }
    return result;
  }
}
