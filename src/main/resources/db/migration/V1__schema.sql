-- Parley schema. Times are epoch milliseconds (bigint) so that they travel to clients unchanged.

CREATE TABLE users (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  username      text   NOT NULL,
  display_name  text   NOT NULL,
  password_hash text   NOT NULL,
  created_at    bigint NOT NULL,
  -- when the user's last device went offline; null if never connected
  last_seen     bigint
);
-- Usernames are unique and matched case-insensitively; text_pattern_ops also serves prefix search.
CREATE UNIQUE INDEX users_username_lower ON users (lower(username) text_pattern_ops);

CREATE TABLE conversations (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind          text   NOT NULL CHECK (kind IN ('direct', 'group')),
  title         text,
  -- a direct conversation's pair, lower id first; unique so a pair has at most one
  direct_low    bigint,
  direct_high   bigint,
  -- the seq of the newest event; bumped under this row's lock, so seqs are gap-free
  last_seq      bigint NOT NULL DEFAULT 0,
  last_activity bigint NOT NULL,
  created_at    bigint NOT NULL,
  CHECK ((kind = 'direct') = (direct_low IS NOT NULL AND direct_high IS NOT NULL)),
  UNIQUE (direct_low, direct_high)
);

CREATE TABLE members (
  conversation_id bigint NOT NULL REFERENCES conversations (id),
  user_id         bigint NOT NULL REFERENCES users (id),
  role            text   NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
  -- read marker: only moves forward
  last_read_seq   bigint NOT NULL DEFAULT 0,
  joined_at       bigint NOT NULL,
  PRIMARY KEY (conversation_id, user_id)
);
CREATE INDEX members_by_user ON members (user_id, conversation_id);

-- The append-only log of every conversation: messages and recall events share one seq space.
-- No foreign key to conversations: appends go through append_messages(), which locks the
-- conversation row anyway, and a per-row key check would only add work on the hot path.
CREATE TABLE events (
  conversation_id bigint NOT NULL,
  seq             bigint NOT NULL,
  kind            text   NOT NULL CHECK (kind IN ('message', 'recall')),
  -- message: its own id; recall: the id of the message withdrawn
  message_id      bigint NOT NULL,
  -- message: the sender; recall: who withdrew it
  sender_id       bigint NOT NULL,
  client_msg_id   text,
  -- null once the message is withdrawn: the text is erased, not hidden
  text            text,
  status          text CHECK (status IN ('normal', 'recalled', 'revoked')),
  target_seq      bigint,
  mode            text CHECK (mode IN ('recall', 'revoke')),
  reason          text,
  ts              bigint NOT NULL,
  PRIMARY KEY (conversation_id, seq)
);
CREATE UNIQUE INDEX events_message_id ON events (message_id) WHERE kind = 'message';
-- at most one recall event per message: concurrent recalls cannot both land
CREATE UNIQUE INDEX events_one_recall ON events (message_id) WHERE kind = 'recall';
-- send is idempotent per (sender, clientMsgId)
CREATE UNIQUE INDEX events_client_msg ON events (sender_id, client_msg_id) WHERE kind = 'message';

CREATE SEQUENCE message_ids CACHE 64;

-- Which node holds how many connections of a user: the cluster-wide truth behind presence.
CREATE TABLE presence (
  user_id bigint NOT NULL,
  node_id text   NOT NULL,
  devices int    NOT NULL CHECK (devices > 0),
  PRIMARY KEY (user_id, node_id)
);
CREATE INDEX presence_by_node ON presence (node_id);

-- Failed logins per key (a username or a client address) in fixed one-minute windows, shared by
-- every node so that spreading guesses over the cluster does not multiply the allowance.
CREATE TABLE login_failures (
  key          text   PRIMARY KEY,
  window_start bigint NOT NULL,
  failures     int    NOT NULL
);

-- The one definition of "unread" (PROTOCOL section 1): messages after the read marker, sent by
-- someone else, not withdrawn. Counted from the log, so no counter can drift from it.
CREATE FUNCTION unread_count(p_conversation bigint, p_user bigint, p_after bigint) RETURNS bigint
LANGUAGE sql STABLE AS $$
  SELECT count(*) FROM events e
  WHERE e.conversation_id = p_conversation AND e.seq > p_after
    AND e.kind = 'message' AND e.status = 'normal' AND e.sender_id <> p_user
$$;

CREATE FUNCTION total_unread(p_user bigint) RETURNS bigint
LANGUAGE sql STABLE AS $$
  SELECT coalesce(sum(unread_count(m.conversation_id, m.user_id, m.last_read_seq)), 0)::bigint
  FROM members m JOIN conversations c ON c.id = m.conversation_id
  WHERE m.user_id = p_user AND c.last_seq > m.last_read_seq
$$;

-- Appends a batch of messages in one statement: one round trip and one commit (one WAL flush)
-- for many sends. Inputs are parallel arrays; the result has one row per input, by index.
-- Outcomes: 'appended' (members is set on the first appended row of each conversation),
-- 'duplicate' (the first message with this sender and clientMsgId, as stored), 'not_member'.
-- Set-based on purpose, and shaped so its cost follows the batch, not the log:
-- - the duplicate check probes the (sender_id, client_msg_id) index per input row (LATERAL with
--   LIMIT 1, which the planner cannot flatten into a join that scans every message when its
--   statistics are stale);
-- - message ids are drawn where seqs are numbered, so the result need not join the INSERT's
--   output back (a nested loop the planner picks when it guesses one row per CTE: quadratic).
CREATE FUNCTION append_messages(p_conversation bigint[], p_sender bigint[], p_client text[], p_text text[])
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

-- Withdraws one message (recall by its sender within the window, or revoke by a group's owner
-- or admin): erases its text and appends a recall event, atomically. A second withdrawal of the
-- same message returns the existing recall event ('existing').
-- Outcomes: 'withdrawn', 'existing', 'not_found', 'forbidden', 'expired'.
CREATE FUNCTION withdraw_message(p_message_id bigint, p_by bigint, p_mode text, p_reason text, p_window_ms bigint)
RETURNS TABLE (o_outcome text, o_conversation_id bigint, o_seq bigint, o_target_seq bigint, o_sender bigint,
               o_mode text, o_reason text, o_ts bigint, o_was_normal boolean, o_members bigint[], o_target_sender bigint)
LANGUAGE plpgsql AS $$
DECLARE
  v_msg    record;
  v_kind   text;
  v_role   text;
  v_prior  record;
  v_seq    bigint;
  v_now    bigint;
BEGIN
  SELECT e.conversation_id INTO v_msg FROM events e WHERE e.kind = 'message' AND e.message_id = p_message_id;
  IF NOT FOUND THEN
    RETURN QUERY SELECT 'not_found'::text, NULL::bigint, NULL::bigint, NULL::bigint, NULL::bigint, NULL::text,
                        NULL::text, NULL::bigint, NULL::boolean, NULL::bigint[], NULL::bigint;
    RETURN;
  END IF;
  -- Serialises with appends and with other withdrawals in this conversation.
  SELECT c.kind, c.last_seq INTO v_kind, v_seq FROM conversations c WHERE c.id = v_msg.conversation_id FOR UPDATE;
  SELECT e.conversation_id, e.seq, e.sender_id, e.ts, e.status INTO v_msg
    FROM events e WHERE e.kind = 'message' AND e.message_id = p_message_id;
  SELECT m.role INTO v_role FROM members m WHERE m.conversation_id = v_msg.conversation_id AND m.user_id = p_by;

  IF v_role IS NULL THEN
    RETURN QUERY SELECT 'not_found'::text, NULL::bigint, NULL::bigint, NULL::bigint, NULL::bigint, NULL::text,
                        NULL::text, NULL::bigint, NULL::boolean, NULL::bigint[], NULL::bigint;
    RETURN;
  END IF;
  IF (p_mode = 'recall' AND v_msg.sender_id <> p_by)
     OR (p_mode = 'revoke' AND (v_kind = 'direct' OR v_role NOT IN ('owner', 'admin'))) THEN
    RETURN QUERY SELECT 'forbidden'::text, v_msg.conversation_id, NULL::bigint, NULL::bigint, NULL::bigint,
                        NULL::text, NULL::text, NULL::bigint, NULL::boolean, NULL::bigint[], NULL::bigint;
    RETURN;
  END IF;

  SELECT e.seq, e.sender_id, e.mode, e.reason, e.ts INTO v_prior
    FROM events e WHERE e.kind = 'recall' AND e.message_id = p_message_id;
  IF FOUND THEN
    RETURN QUERY SELECT 'existing'::text, v_msg.conversation_id, v_prior.seq, v_msg.seq, v_prior.sender_id,
                        v_prior.mode, v_prior.reason, v_prior.ts, false, NULL::bigint[], v_msg.sender_id;
    RETURN;
  END IF;

  v_now := (extract(epoch FROM clock_timestamp()) * 1000)::bigint;
  IF p_mode = 'recall' AND v_now - v_msg.ts > p_window_ms THEN
    RETURN QUERY SELECT 'expired'::text, v_msg.conversation_id, NULL::bigint, NULL::bigint, NULL::bigint,
                        NULL::text, NULL::text, NULL::bigint, NULL::boolean, NULL::bigint[], NULL::bigint;
    RETURN;
  END IF;

  v_seq := v_seq + 1;
  UPDATE events SET text = NULL, status = CASE p_mode WHEN 'recall' THEN 'recalled' ELSE 'revoked' END
    WHERE conversation_id = v_msg.conversation_id AND seq = v_msg.seq;
  INSERT INTO events (conversation_id, seq, kind, message_id, sender_id, target_seq, mode, reason, ts)
    VALUES (v_msg.conversation_id, v_seq, 'recall', p_message_id, p_by, v_msg.seq, p_mode,
            CASE WHEN p_mode = 'revoke' THEN p_reason END, v_now);
  UPDATE conversations SET last_seq = v_seq, last_activity = v_now WHERE id = v_msg.conversation_id;

  RETURN QUERY SELECT 'withdrawn'::text, v_msg.conversation_id, v_seq, v_msg.seq, p_by, p_mode,
                      CASE WHEN p_mode = 'revoke' THEN p_reason END, v_now, v_msg.status = 'normal',
                      (SELECT array_agg(m.user_id) FROM members m WHERE m.conversation_id = v_msg.conversation_id),
                      v_msg.sender_id;
END
$$;

-- Presence transitions, serialised per user with an advisory lock so that devices coming and
-- going on different nodes at the same moment agree on who was first and who was last.
-- presence_connect returns true when this was the user's first device anywhere.
CREATE FUNCTION presence_connect(p_user bigint, p_node text) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(p_user);
  INSERT INTO presence (user_id, node_id, devices) VALUES (p_user, p_node, 1)
    ON CONFLICT (user_id, node_id) DO UPDATE SET devices = presence.devices + 1;
  RETURN (SELECT sum(devices) FROM presence WHERE user_id = p_user) = 1;
END
$$;

-- Returns true when this was the user's last device anywhere (and stamps last_seen).
CREATE FUNCTION presence_disconnect(p_user bigint, p_node text, p_now bigint) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(p_user);
  UPDATE presence SET devices = devices - 1 WHERE user_id = p_user AND node_id = p_node AND devices > 1;
  IF NOT FOUND THEN
    DELETE FROM presence WHERE user_id = p_user AND node_id = p_node;
  END IF;
  IF EXISTS (SELECT 1 FROM presence WHERE user_id = p_user) THEN
    RETURN false;
  END IF;
  UPDATE users SET last_seen = p_now WHERE id = p_user;
  RETURN true;
END
$$;

-- A node is gone (left, crashed, or stale from before a restart): forget its connections.
-- Returns the users who are now offline everywhere. Several nodes may call it for the same dead
-- node; only the first finds rows to delete.
CREATE FUNCTION presence_drop_node(p_node text, p_now bigint) RETURNS TABLE (o_user bigint)
LANGUAGE plpgsql AS $$
DECLARE
  r record;
BEGIN
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
