package dev.parley.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.HashMap;
import java.util.Map;

/** The members of several conversations in one round trip (for signal.AdvanceVerticle). */
public final class MemberLookup {

  private static final String MEMBERS_OF = """
      SELECT conversation_id, array_agg(user_id) AS members FROM members
      WHERE conversation_id = ANY ($1) GROUP BY conversation_id""";

  private final Pool pool;

  public MemberLookup(Pool pool) {
    this.pool = pool;
  }

  /** Conversation id to its member ids; a conversation without members is absent. */
  public Future<Map<Long, long[]>> membersOf(Long[] conversationIds) {
    return pool.preparedQuery(MEMBERS_OF).execute(Tuple.of((Object) conversationIds)).map(rows -> {
      Map<Long, long[]> members = new HashMap<>(rows.size() * 2);
      for (Row row : rows) {
        Long[] ids = row.getArrayOfLongs("members");
        long[] plain = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
          plain[i] = ids[i];
        }
        members.put(row.getLong("conversation_id"), plain);
      }
      return members;
    });
  }
}
