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
