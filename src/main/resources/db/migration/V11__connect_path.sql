-- Issue 13, the connect path: presence written in batches, unread counted in O(conversations).

-- Presence is written a batch at a time (presence.PresenceRows), each batch taking the advisory
-- locks of its users in ascending order. Dropping a node's rows takes them in the same order first,
-- so a drop and a batch never deadlock (the loop's lock remains for a row the node wrote meanwhile).
CREATE OR REPLACE FUNCTION presence_drop_node(p_node text, p_now bigint) RETURNS TABLE (o_user bigint)
LANGUAGE plpgsql AS $$
DECLARE
  r record;
BEGIN
  PERFORM count(pg_advisory_xact_lock(s.user_id))
    FROM (SELECT user_id FROM presence WHERE node_id = p_node ORDER BY user_id) s;
  FOR r IN DELETE FROM presence WHERE node_id = p_node RETURNING user_id LOOP
    PERFORM pg_advisory_xact_lock(r.user_id);
    IF NOT EXISTS (SELECT 1 FROM presence p WHERE p.user_id = r.user_id) THEN
      UPDATE users SET last_seen = p_now WHERE id = r.user_id;
      o_user := r.user_id;
      RETURN NEXT;
    END IF;
  END LOOP;
END
$$;

-- Unread in O(conversations), not O(unread messages) (PROTOCOL 1: unread = messages with seq >
-- lastReadSeq, sent by someone else, whose status is normal). With V10's counts:
--   messages after the marker = message_count - msg_no of the last message at or before it (or 0),
-- less the withdrawn ones after it and the user's own normal ones after it. Each of the two is
-- counted over a partial index that holds only what it counts: withdrawn messages are rare, and a
-- user's own messages after their own marker are few (sending is reading). Mentions are counted
-- over the messages that mention anyone (rare). Every index costs every append: the figures are in
-- docs/perf-notes-connect.md.
-- A user's own normal messages, by conversation and seq (one entry per message).
CREATE INDEX events_own_messages ON events (conversation_id, sender_id, seq)
  WHERE kind = 'message' AND status = 'normal';
-- Withdrawn messages (recalled or revoked): no entry at append; one per withdrawal.
CREATE INDEX events_withdrawn ON events (conversation_id, seq)
  WHERE kind = 'message' AND status <> 'normal';
-- Messages that mention someone: an entry only for those.
CREATE INDEX events_mentioning ON events (conversation_id, seq)
  WHERE kind = 'message' AND mentions IS NOT NULL;

-- The one definition of unread and mentions, used by the login notice, reads, withdrawals,
-- summaries and push. A set-returning SQL function of a single SELECT, so the planner inlines it
-- into the caller's LATERAL join (measured: half the time of a function call per conversation).
CREATE OR REPLACE FUNCTION unread_and_mentions(p_conversation bigint, p_user bigint, p_after bigint)
RETURNS TABLE (unread bigint, mentions bigint)
LANGUAGE sql STABLE AS $$
  SELECT c.message_count
         - coalesce((SELECT e.msg_no FROM events e
                     WHERE e.conversation_id = p_conversation AND e.seq <= p_after AND e.kind = 'message'
                     ORDER BY e.seq DESC LIMIT 1), 0)
         - (SELECT count(*) FROM events e
            WHERE e.conversation_id = p_conversation AND e.seq > p_after
              AND e.kind = 'message' AND e.status <> 'normal')
         - (SELECT count(*) FROM events e
            WHERE e.conversation_id = p_conversation AND e.sender_id = p_user AND e.seq > p_after
              AND e.kind = 'message' AND e.status = 'normal'),
         (SELECT count(*) FROM events e
          WHERE e.conversation_id = p_conversation AND e.seq > p_after
            AND e.kind = 'message' AND e.mentions IS NOT NULL
            AND e.status = 'normal' AND e.sender_id <> p_user AND p_user = ANY (e.mentions))
  FROM conversations c WHERE c.id = p_conversation
$$;

CREATE OR REPLACE FUNCTION unread_count(p_conversation bigint, p_user bigint, p_after bigint) RETURNS bigint
LANGUAGE sql STABLE AS $$
  SELECT u.unread FROM unread_and_mentions(p_conversation, p_user, p_after) u
$$;

-- Over the user's conversations with anything after the marker, the counting inlined.
CREATE OR REPLACE FUNCTION total_unread(p_user bigint) RETURNS bigint
LANGUAGE sql STABLE AS $$
  SELECT coalesce(sum(u.unread), 0)::bigint
  FROM members m JOIN conversations c ON c.id = m.conversation_id
  CROSS JOIN LATERAL unread_and_mentions(m.conversation_id, m.user_id, m.last_read_seq) u
  WHERE m.user_id = p_user AND c.last_seq > m.last_read_seq
$$;
