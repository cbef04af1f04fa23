-- Issue 13: the split-brain signal of a statement that appended to one conversation (every single
-- send, and most batches at light load) is sent without the chunking query: one pass over the
-- transition table for min, max and the top seq (pgbench: -0.02 ms of PostgreSQL CPU per append).
-- A statement touching several conversations is chunked as V6 does.
CREATE OR REPLACE FUNCTION notify_advanced() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  chunk text;
  v_low bigint;
  v_high bigint;
  v_top bigint;
BEGIN
  SELECT min(conversation_id), max(conversation_id), max(seq) INTO v_low, v_high, v_top FROM advanced;
  IF v_low = v_high THEN
    PERFORM pg_notify('parley_advanced', v_low || ':' || v_top);
    RETURN NULL;
  END IF;
  FOR chunk IN
    SELECT string_agg(conversation_id || ':' || top, ',')
    FROM (SELECT conversation_id, max(seq) AS top,
                 (row_number() OVER (ORDER BY conversation_id) - 1) / 150 AS part
          FROM advanced GROUP BY conversation_id) c
    GROUP BY part
  LOOP
    PERFORM pg_notify('parley_advanced', chunk);
  END LOOP;
  RETURN NULL;
END
$$;
