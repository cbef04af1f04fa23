-- Rich messages (PROTOCOL v1.1 section 1): replies, edits, reactions, mentions, attachments.
-- Design: docs/protocol.md "Rich messages". The message row holds the message as it is now
-- (current text, editedAt, aggregated reactions), so history, sync and lastMessage read one row;
-- the edit and reaction events hold what happened, in the same seq space.

ALTER TABLE events DROP CONSTRAINT events_kind_check;
ALTER TABLE events ADD CONSTRAINT events_kind_check
  CHECK (kind IN ('message', 'recall', 'member', 'title', 'edit', 'reaction'));
ALTER TABLE events DROP CONSTRAINT events_message_id_present;
ALTER TABLE events ADD CONSTRAINT events_message_id_present
  CHECK ((kind IN ('message', 'recall', 'edit', 'reaction')) = (message_id IS NOT NULL));

-- message: the messageId it replies to (same conversation, checked at append), or null
ALTER TABLE events ADD COLUMN reply_to bigint;
-- message: time of its latest edit, or null
ALTER TABLE events ADD COLUMN edited_at bigint;
-- message: userIds of the members it mentions, in order of first mention; null for none
ALTER TABLE events ADD COLUMN mentions bigint[];
-- message: [{emoji, userIds}] as rich.ReactionSet keeps it; emptied by a withdrawal
ALTER TABLE events ADD COLUMN reactions jsonb NOT NULL DEFAULT '[]';
-- message: [attachment] (PROTOCOL 2.2), claimed at send; emptied by a withdrawal
ALTER TABLE events ADD COLUMN attachments jsonb NOT NULL DEFAULT '[]';
-- reaction: the emoji, and whether it was added (true) or removed (false)
ALTER TABLE events ADD COLUMN emoji text;
ALTER TABLE events ADD COLUMN added boolean;

-- A withdrawal erases the text of every edit of the message: found by this index (edits are
-- rare, so it is small, and the append path never writes to it).
CREATE INDEX events_edits ON events (message_id, seq) WHERE kind = 'edit';

-- Unread and mentions in one pass over the unread range (PROTOCOL 1: mentions = the unread
-- messages whose mentions hold the user). The same predicate as unread_count().
CREATE FUNCTION unread_and_mentions(p_conversation bigint, p_user bigint, p_after bigint)
RETURNS TABLE (unread bigint, mentions bigint)
LANGUAGE sql STABLE AS $$
  SELECT count(*), count(*) FILTER (WHERE p_user = ANY (e.mentions)) FROM events e
  WHERE e.conversation_id = p_conversation AND e.seq > p_after
    AND e.kind = 'message' AND e.status = 'normal' AND e.sender_id <> p_user
$$;

DROP FUNCTION append_messages(bigint[], bigint[], text[], text[]);

-- Appends a batch of messages in one statement: one round trip and one commit (one WAL flush)
-- for many sends. This stays a stored function because it is the measured hot path (the pairs
-- benchmark, bench/run.sh: one statement per batch instead of a round trip per message); the
-- rules it applies are the log's own (seqs, idempotency, membership, a reply's target), every
-- permission and window rule lives in Java.
-- Inputs are parallel arrays; the result has one row per input, by index.
--   p_reply_to       the replied-to messageId or null
--   p_mention_names  the lower-cased @names of the text (rich.Mentions), space-separated, or null;
--                    resolved here to the members among them, the sender left out
--   p_attachments    the claimed attachments as a JSON array text
-- Outcomes: 'appended' (members is set on the first appended row of each conversation),
-- 'duplicate' (the first message with this sender and clientMsgId, as stored), 'not_member',
-- 'bad_reply' (replyTo is not a message of that conversation).
-- Set-based on purpose, and shaped so its cost follows the batch, not the log:
-- - the duplicate check probes the (sender_id, client_msg_id) index per input row (LATERAL with
--   LIMIT 1, which the planner cannot flatten into a join that scans every message when its
--   statistics are stale);
-- - the reply check probes the events_message_id index, only for rows with a replyTo;
-- - mentions probe users_username_lower and the members key, only for rows naming someone;
-- - message ids are drawn where seqs are numbered, so the result need not join the INSERT's
--   output back (a nested loop the planner picks when it guesses one row per CTE: quadratic).
CREATE FUNCTION append_messages(p_conversation bigint[], p_sender bigint[], p_client text[], p_text text[],
                                p_reply_to bigint[], p_mention_names text[], p_attachments text[])
RETURNS TABLE (o_idx int, o_outcome text, o_conversation_id bigint, o_message_id bigint, o_seq bigint,
               o_ts bigint, o_members bigint[], o_mentions bigint[])
LANGUAGE plpgsql AS $$
DECLARE
  v_ts bigint := (extract(epoch FROM clock_timestamp()) * 1000)::bigint;
BEGIN
  -- Lock the batch's conversations in id order: a batch from another node that shares one
  -- waits here rather than deadlocking, and seqs are handed out one writer at a time. The next
  -- statement takes a fresh snapshot, so it sees the lastSeq left by whoever held the lock before.
  PERFORM 1 FROM conversations c WHERE c.id = ANY (p_conversation) ORDER BY c.id FOR UPDATE;

  RETURN QUERY
  WITH input AS (
    SELECT u.i::int AS i, u.conv, u.sender, u.client, u.txt, u.reply_to, u.names, u.attachments,
           first_value(u.i::int) OVER (PARTITION BY u.sender, u.client ORDER BY u.i) AS first_i
    FROM unnest(p_conversation, p_sender, p_client, p_text, p_reply_to, p_mention_names, p_attachments)
         WITH ORDINALITY AS u (conv, sender, client, txt, reply_to, names, attachments, i)
  ),
  -- (sender, clientMsgId) pairs stored before: every occurrence answers with the stored ack
  prior AS (
    SELECT DISTINCT e.sender_id AS sender, e.client_msg_id AS client, e.conversation_id, e.message_id, e.seq, e.ts
    FROM input i
    CROSS JOIN LATERAL (
      SELECT x.sender_id, x.client_msg_id, x.conversation_id, x.message_id, x.seq, x.ts FROM events x
      WHERE x.kind = 'message' AND x.sender_id = i.sender AND x.client_msg_id = i.client
      OFFSET 0 -- keeps the planner from turning the probe back into a join (it is unique anyway);
               -- not LIMIT 1, which lets it walk events_message_recency until a row matches
    ) e
  ),
  -- new first occurrences, with what decides whether they may be stored
  candidates AS (
    SELECT i.*,
           EXISTS (SELECT 1 FROM members m WHERE m.conversation_id = i.conv AND m.user_id = i.sender) AS member,
           (i.reply_to IS NULL OR EXISTS (SELECT 1 FROM events r WHERE r.kind = 'message'
              AND r.message_id = i.reply_to AND r.conversation_id = i.conv)) AS reply_ok
    FROM input i
    WHERE i.i = i.first_i
      AND NOT EXISTS (SELECT 1 FROM prior p WHERE p.sender = i.sender AND p.client = i.client)
  ),
  -- members and valid replies: these get seqs, in input order per conversation
  numbered AS (
    SELECT k.i, k.conv, k.sender, k.client, k.txt, k.reply_to, k.attachments,
           c.last_seq + row_number() OVER (PARTITION BY k.conv ORDER BY k.i) AS seq,
           row_number() OVER (PARTITION BY k.conv ORDER BY k.i) = 1 AS first_in_conversation,
           nextval('message_ids') AS message_id,
           CASE WHEN k.names IS NOT NULL THEN (
             SELECT array_agg(x.id ORDER BY x.ord) FROM (
               SELECT u.id, min(n.ord) AS ord
               FROM unnest(string_to_array(k.names, ' ')) WITH ORDINALITY AS n (name, ord)
               JOIN users u ON lower(u.username) = n.name
               JOIN members m ON m.conversation_id = k.conv AND m.user_id = u.id
               WHERE u.id <> k.sender
               GROUP BY u.id) x)
           END AS mentions
    FROM candidates k JOIN conversations c ON c.id = k.conv
    WHERE k.member AND k.reply_ok
  ),
  inserted AS (
    INSERT INTO events (conversation_id, seq, kind, message_id, sender_id, client_msg_id, text, status, ts,
                        reply_to, mentions, attachments)
    SELECT n.conv, n.seq, 'message', n.message_id, n.sender, n.client, n.txt, 'normal', v_ts,
           n.reply_to, n.mentions, n.attachments::jsonb
    FROM numbered n
  ),
  bumped AS (
    UPDATE conversations c SET last_seq = top.seq, last_activity = v_ts
    FROM (SELECT n.conv, max(n.seq) AS seq FROM numbered n GROUP BY n.conv) top
    WHERE c.id = top.conv
    RETURNING c.id
  )
  SELECT i.i,
         CASE WHEN p.message_id IS NOT NULL THEN 'duplicate'
              WHEN n.i IS NULL THEN CASE WHEN k.member THEN 'bad_reply' ELSE 'not_member' END
              WHEN i.i = i.first_i THEN 'appended'
              ELSE 'duplicate' END,
         coalesce(p.conversation_id, n.conv, i.conv),
         coalesce(p.message_id, n.message_id),
         coalesce(p.seq, n.seq),
         coalesce(p.ts, CASE WHEN n.i IS NOT NULL THEN v_ts END),
         CASE WHEN p.message_id IS NULL AND i.i = i.first_i AND n.first_in_conversation
              THEN (SELECT array_agg(m.user_id) FROM members m WHERE m.conversation_id = n.conv) END,
         n.mentions
  FROM input i
  LEFT JOIN prior p ON p.sender = i.sender AND p.client = i.client
  LEFT JOIN candidates k ON k.i = i.first_i
  LEFT JOIN numbered n ON n.i = i.first_i AND p.message_id IS NULL
  ORDER BY i.i;
END
$$;

-- The statement above runs with one generic plan rather than a custom plan made anew on every
-- call: planning it (several CTEs, seven array parameters) took ~2 ms, running it for a small
-- batch ~0.3 ms (auto_explain, nested statements). Measured with pgbench on one backend, a
-- batch as the store sends it: 1 row 2.39 -> 1.07 ms per call, 10 rows 2.5 -> 2.0 ms, 100 rows
-- the same (11.7 ms). Plans never change results. The generic plan is made without knowing the
-- arrays, so every probe in it is shaped to be right whatever the statistics (see OFFSET 0).
ALTER FUNCTION append_messages(bigint[], bigint[], text[], text[], bigint[], text[], text[])
  SET plan_cache_mode = force_generic_plan;
