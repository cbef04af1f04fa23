-- append_messages: message ids are drawn where seqs are numbered, so the result no longer joins
-- the INSERT's output back to its input. The planner estimates one row for each of those CTEs and
-- joined them by nested loop: quadratic in the batch (400 messages: 27 of 32 ms).
-- Data-modifying CTEs run whether or not they are referenced, so the INSERT still happens once.
CREATE OR REPLACE FUNCTION append_messages(p_conversation bigint[], p_sender bigint[], p_client text[], p_text text[])
RETURNS TABLE (o_idx int, o_outcome text, o_conversation_id bigint, o_message_id bigint, o_seq bigint,
               o_ts bigint, o_members bigint[])
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
    SELECT u.i::int AS i, u.conv, u.sender, u.client, u.txt,
           first_value(u.i::int) OVER (PARTITION BY u.sender, u.client ORDER BY u.i) AS first_i
    FROM unnest(p_conversation, p_sender, p_client, p_text) WITH ORDINALITY AS u (conv, sender, client, txt, i)
  ),
  -- (sender, clientMsgId) pairs stored before: every occurrence answers with the stored ack
  prior AS (
    SELECT DISTINCT e.sender_id AS sender, e.client_msg_id AS client, e.conversation_id, e.message_id, e.seq, e.ts
    FROM input i
    CROSS JOIN LATERAL (
      SELECT x.sender_id, x.client_msg_id, x.conversation_id, x.message_id, x.seq, x.ts FROM events x
      WHERE x.kind = 'message' AND x.sender_id = i.sender AND x.client_msg_id = i.client
      LIMIT 1 -- unique anyway; keeps the planner from turning the probe back into a join
    ) e
  ),
  -- first occurrences, new, from a member: these get seqs, in input order per conversation
  numbered AS (
    SELECT i.i, i.conv, i.sender, i.client, i.txt,
           c.last_seq + row_number() OVER (PARTITION BY i.conv ORDER BY i.i) AS seq,
           row_number() OVER (PARTITION BY i.conv ORDER BY i.i) = 1 AS first_in_conversation,
           nextval('message_ids') AS message_id
    FROM input i JOIN conversations c ON c.id = i.conv
    WHERE i.i = i.first_i
      AND NOT EXISTS (SELECT 1 FROM prior p WHERE p.sender = i.sender AND p.client = i.client)
      AND EXISTS (SELECT 1 FROM members m WHERE m.conversation_id = i.conv AND m.user_id = i.sender)
  ),
  inserted AS (
    INSERT INTO events (conversation_id, seq, kind, message_id, sender_id, client_msg_id, text, status, ts)
    SELECT n.conv, n.seq, 'message', n.message_id, n.sender, n.client, n.txt, 'normal', v_ts
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
              WHEN n.i IS NULL THEN 'not_member'
              WHEN i.i = i.first_i THEN 'appended'
              ELSE 'duplicate' END,
         coalesce(p.conversation_id, n.conv, i.conv),
         coalesce(p.message_id, n.message_id),
         coalesce(p.seq, n.seq),
         coalesce(p.ts, CASE WHEN n.i IS NOT NULL THEN v_ts END),
         CASE WHEN p.message_id IS NULL AND i.i = i.first_i AND n.first_in_conversation
              THEN (SELECT array_agg(m.user_id) FROM members m WHERE m.conversation_id = n.conv) END
  FROM input i
  LEFT JOIN prior p ON p.sender = i.sender AND p.client = i.client
  LEFT JOIN numbered n ON n.i = i.first_i AND p.message_id IS NULL
  ORDER BY i.i;
END
$$;
