-- Split brain (docs/split-brain.md): what keeps delivery and presence right while the nodes
-- cannot reach each other over Hazelcast, but all still reach PostgreSQL.

-- Each node owns its presence rows through a lease it renews every few seconds. Rows are
-- dropped only when their node's lease has run out (the node stopped renewing: it crashed or
-- lost the database), never because another node lost sight of it in the cluster. The times
-- are the database's clock, so the nodes' clocks never need to agree.
CREATE TABLE node_leases (
  node_id    text        PRIMARY KEY,
  started_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);

-- "Conversation C advanced to seq S", once per committed statement that appends events (a
-- batch of sends, a recall, a group change), on channel parley_advanced. The payload is
-- "C:S,C:S,..." with each conversation's highest new seq; NOTIFY is sent at commit, to every
-- node's listener, whichever side of a partition it is on. A node whose connections did not get
-- S over the event bus within a short wait fills the gap from storage (signal.AdvanceWatch).
--
-- A trigger rather than a statement in Java: it rides the appending transaction itself (nothing
-- committed goes unsignalled, nothing is signalled before commit), costs no extra round trip,
-- and covers every statement that appends events, whichever class runs it. One NOTIFY per
-- statement, not per row; a payload stays under PostgreSQL's 8000-byte limit by holding at most
-- 150 conversations (at most 40 bytes each: two 19-digit numbers and two separators).
CREATE FUNCTION notify_advanced() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  chunk text;
BEGIN
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

CREATE TRIGGER events_advanced AFTER INSERT ON events
  REFERENCING NEW TABLE AS advanced
  FOR EACH STATEMENT EXECUTE FUNCTION notify_advanced();
