-- The append on a big log (bench/bench.sh explain): 1,000,000 stored messages in 1,000 direct
-- conversations of 2,000 users, made in bulk, then one append_messages() batch of :rows sends to
-- as many conversations, with the plans of the statements inside it (auto_explain, nested
-- statements, ANALYZE and BUFFERS) sent to this client. The batch runs in a transaction that is
-- rolled back and is repeated (first run: cold caches for the batch's rows; the second: warm).
\set ON_ERROR_STOP on
\timing on
INSERT INTO users (username, display_name, password_hash, created_at)
SELECT 'x' || g, 'x' || g, '!', 0 FROM generate_series(1, 2000) AS g;
INSERT INTO conversations (kind, direct_low, direct_high, last_seq, push_seq, last_activity, created_at)
SELECT 'direct', 2 * g - 1, 2 * g, 1000, 1000, 0, 0 FROM generate_series(1, 1000) AS g;
INSERT INTO members (conversation_id, user_id, role, joined_at)
SELECT c.id, u, 'member', 0 FROM conversations c, LATERAL (VALUES (c.direct_low), (c.direct_high)) AS m (u);
INSERT INTO events (conversation_id, seq, kind, message_id, sender_id, client_msg_id, text, status, ts, msg_no,
                    search_vector)
SELECT c.id, s, 'message', nextval('message_ids'), CASE WHEN s % 2 = 0 THEN c.direct_low ELSE c.direct_high END,
       'old' || c.id || '_' || s, 'an old message of about forty characters', 'normal', 0, s,
       'about an characters forty message of old'::tsvector
FROM conversations c, generate_series(1, 1000) AS s;
UPDATE conversations SET message_count = 1000;
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
\set batch 'BEGIN; SELECT o_outcome, count(*) FROM append_messages(ARRAY(SELECT g::bigint FROM generate_series(1, :rows) g), ARRAY(SELECT (2 * g - 1)::bigint FROM generate_series(1, :rows) g), ARRAY(SELECT \'new\' || g FROM generate_series(1, :rows) g), ARRAY(SELECT \'a new message\' FROM generate_series(1, :rows) g), ARRAY(SELECT NULL::bigint FROM generate_series(1, :rows) g), ARRAY(SELECT NULL::text FROM generate_series(1, :rows) g), ARRAY(SELECT \'[]\' FROM generate_series(1, :rows) g), ARRAY(SELECT \'a new message\' FROM generate_series(1, :rows) g)) GROUP BY 1; ROLLBACK;'
\echo '---- cold batch'
:batch
\echo '---- warm batch'
:batch
