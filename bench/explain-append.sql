-- The append on a big log (bench/bench.sh explain): 1,000 x :per stored messages (1,000,000 by default) in 1,000 direct
-- conversations of 2,000 users, made in bulk, then one append_messages() batch of :rows sends to
-- as many conversations, with the plans of the statements inside it (auto_explain, nested
-- statements, ANALYZE and BUFFERS) sent to this client. The batch runs in a transaction that is
-- rolled back and is repeated (first run: cold caches for the batch's rows; the second: warm).
\set ON_ERROR_STOP on
\timing on
INSERT INTO users (username, display_name, password_hash, created_at)
SELECT 'x' || g, 'x' || g, '!', 0 FROM generate_series(1, 2000) AS g;
INSERT INTO conversations (kind, direct_low, direct_high, last_seq, push_seq, last_activity, created_at)
SELECT 'direct', 2 * g - 1, 2 * g, :per, :per, 0, 0 FROM generate_series(1, 1000) AS g;
INSERT INTO members (conversation_id, user_id, role, joined_at)
SELECT c.id, u, 'member', 0 FROM conversations c, LATERAL (VALUES (c.direct_low), (c.direct_high)) AS m (u);
INSERT INTO events (conversation_id, seq, kind, message_id, sender_id, client_msg_id, text, status, ts, msg_no,
                    search_vector)
SELECT c.id, s, 'message', nextval('message_ids'), CASE WHEN s % 2 = 0 THEN c.direct_low ELSE c.direct_high END,
       'old' || c.id || '_' || s, 'an old message of about forty characters', 'normal', 0, s,
       'about an characters forty message of old'::tsvector
FROM conversations c, generate_series(1, :per) AS s;
UPDATE conversations SET message_count = :per;
VACUUM ANALYZE;
SELECT count(*) AS stored_messages, pg_size_pretty(pg_total_relation_size('events')) AS events_size FROM events;

LOAD 'auto_explain';
SET auto_explain.log_min_duration = 0;
SET auto_explain.log_analyze = on;
SET auto_explain.log_buffers = on;
SET auto_explain.log_timing = on;
SET auto_explain.log_nested_statements = on;
SET auto_explain.log_level = notice;
SET client_min_messages = notice;

-- One batch of :rows sends, one to each of the first :rows conversations, from a member.
\set batch 'BEGIN; SELECT o_outcome, count(*) FROM append_messages(ARRAY(SELECT g::bigint FROM generate_series(1, :rows) g), ARRAY(SELECT (2 * g - 1)::bigint FROM generate_series(1, :rows) g), ARRAY(SELECT \'new\' || g FROM generate_series(1, :rows) g), ARRAY(SELECT \'a new message\' FROM generate_series(1, :rows) g), ARRAY(SELECT NULL::bigint FROM generate_series(1, :rows) g), ARRAY(SELECT NULL::text FROM generate_series(1, :rows) g), ARRAY(SELECT \'[]\' FROM generate_series(1, :rows) g), ARRAY(SELECT \'a new message\' FROM generate_series(1, :rows) g), ARRAY(SELECT -1::bigint FROM generate_series(1, :rows) g)) GROUP BY 1; ROLLBACK;'
\echo '---- cold batch'
:batch
\echo '---- warm batch'
:batch

-- The statement of nearly every append at light load: a batch of one send without mentions runs
-- store.AppendBatch.APPEND_ONE instead of the function; bench.sh passes that constant's text in as
-- :append_one. One send to the first conversation, cold then warm, rolled back.
RESET auto_explain.log_min_duration;
SET client_min_messages = warning;
PREPARE append_one (bigint, bigint, text, text, bigint, text, text, bigint) AS :append_one;
SET client_min_messages = notice;
\set one 'BEGIN; EXPLAIN (ANALYZE, BUFFERS) EXECUTE append_one(1, 1, \'one1\', \'a new message\', NULL, \'[]\', \'a new message\', -1); ROLLBACK;'
\echo '---- one send without mentions (APPEND_ONE), cold'
:one
\echo '---- the same, warm'
:one

-- The same for one send to a 1,000-member group (members are the first 1,000 users): what grows
-- with a conversation's size is the member list the append returns for the fan-out (one index-only
-- range scan of the members key), nothing else.
RESET auto_explain.log_min_duration;
SET client_min_messages = warning;
INSERT INTO conversations (kind, title, last_seq, push_seq, last_activity, created_at, created_by)
VALUES ('group', 'big', 0, 0, 0, 0, 1);
INSERT INTO members (conversation_id, user_id, role, joined_at)
SELECT (SELECT max(id) FROM conversations), u, CASE WHEN u = 1 THEN 'owner' ELSE 'member' END, 0
FROM generate_series(1, 1000) AS u;
ANALYZE members;
SET client_min_messages = notice;
SET auto_explain.log_min_duration = 0;
\set group_batch 'BEGIN; SELECT o_outcome, cardinality(o_members) AS members FROM append_messages(ARRAY[(SELECT max(id) FROM conversations)], ARRAY[1::bigint], ARRAY[\'g1\'], ARRAY[\'to the group\'], ARRAY[NULL::bigint], ARRAY[NULL::text], ARRAY[\'[]\'], ARRAY[\'group the to\'], ARRAY[-1::bigint]); ROLLBACK;'
\echo '---- one send to a 1,000-member group, cold'
:group_batch
\echo '---- the same, warm'
:group_batch
\set group_known 'BEGIN; SELECT o_outcome, cardinality(o_members) AS members FROM append_messages(ARRAY[(SELECT max(id) FROM conversations)], ARRAY[1::bigint], ARRAY[\'g2\'], ARRAY[\'to the group\'], ARRAY[NULL::bigint], ARRAY[NULL::text], ARRAY[\'[]\'], ARRAY[\'group the to\'], ARRAY[(SELECT members_version FROM conversations ORDER BY id DESC LIMIT 1)]); ROLLBACK;'
\echo '---- the same when the node holds the current member list (no member read)'
:group_known
