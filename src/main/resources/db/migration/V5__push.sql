-- Push notifications (PROTOCOL 3.5), mute (PROTOCOL 1) and each connection's state (3.1.5).
-- Design and its cost: docs/push.md.

-- The event log is the outbox. push_seq is how far push has read each conversation's log;
-- the partial index lists exactly the conversations with events push has not read yet, so
-- finding work is an index scan over a (usually empty) set, and the append path writes no
-- extra row: its only added cost is this index's entry when it bumps last_seq.
ALTER TABLE conversations ADD COLUMN push_seq bigint NOT NULL DEFAULT 0;
UPDATE conversations SET push_seq = last_seq;
CREATE INDEX conversations_push_unread ON conversations (id) WHERE last_seq > push_seq;

-- Mute is per member: a muted conversation still counts unread but pushes nothing.
ALTER TABLE members ADD COLUMN muted boolean NOT NULL DEFAULT false;

-- Of a user's connections on a node, how many are in the foreground (state active). A user is
-- away when no row of theirs has active > 0. A new connection is active.
ALTER TABLE presence ADD COLUMN active int NOT NULL DEFAULT 0;
ALTER TABLE presence ADD CONSTRAINT presence_active_range CHECK (active >= 0 AND active <= devices);

CREATE OR REPLACE FUNCTION presence_connect(p_user bigint, p_node text) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(p_user);
  INSERT INTO presence (user_id, node_id, devices, active) VALUES (p_user, p_node, 1, 1)
    ON CONFLICT (user_id, node_id) DO UPDATE SET devices = presence.devices + 1, active = presence.active + 1;
  RETURN (SELECT sum(devices) FROM presence WHERE user_id = p_user) = 1;
END
$$;

-- A connection closed; p_was_active says whether it was counted in active. True when this was
-- the user's last device anywhere (and stamps last_seen).
CREATE FUNCTION presence_disconnect(p_user bigint, p_node text, p_now bigint, p_was_active boolean) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(p_user);
  UPDATE presence SET devices = devices - 1,
                      active = greatest(0, active - CASE WHEN p_was_active THEN 1 ELSE 0 END)
    WHERE user_id = p_user AND node_id = p_node AND devices > 1;
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

-- The v1 form: a connection without a state report was active.
CREATE OR REPLACE FUNCTION presence_disconnect(p_user bigint, p_node text, p_now bigint) RETURNS boolean
LANGUAGE sql AS $$ SELECT presence_disconnect(p_user, p_node, p_now, true) $$;

-- A connection reported state: +1 when it came to the foreground, -1 when it went to the background.
CREATE FUNCTION presence_state(p_user bigint, p_node text, p_delta int) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(p_user);
  UPDATE presence SET active = least(devices, greatest(0, active + p_delta))
    WHERE user_id = p_user AND node_id = p_node;
END
$$;

-- Web Push subscriptions, each registered by one sign-in session (deleted when it signs out).
CREATE TABLE push_subscriptions (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id    bigint NOT NULL REFERENCES users (id),
  session_id text   NOT NULL,
  -- a repeated endpoint replaces the earlier subscription (PROTOCOL 2)
  endpoint   text   NOT NULL UNIQUE,
  -- the browser's P-256 public key (uncompressed point) and auth secret, base64url
  p256dh     text   NOT NULL,
  auth       text   NOT NULL,
  created_at bigint NOT NULL
);
CREATE INDEX push_subscriptions_by_user ON push_subscriptions (user_id);
CREATE INDEX push_subscriptions_by_session ON push_subscriptions (session_id);

-- The VAPID key pair every node signs with, generated once by the first node that needs it
-- (when the configuration names none). The private key is a secret: guard the database.
CREATE TABLE push_vapid_keys (
  id          int  PRIMARY KEY CHECK (id = 1),
  public_key  text NOT NULL,
  private_key text NOT NULL
);

-- One row per (user, conversation) that push has told something: the collapse state and the
-- pending notification, durable, so any node can send it when it is due (docs/push.md).
CREATE TABLE push_notices (
  user_id         bigint NOT NULL,
  conversation_id bigint NOT NULL,
  -- the notification to send: message | recall | read
  kind            text   NOT NULL CHECK (kind IN ('message', 'recall', 'read')),
  -- message: the latest message; recall: the message withdrawn; read: null
  message_id      bigint,
  -- message: its seq; recall: the recall event's seq; read: the new read marker
  seq             bigint NOT NULL,
  sender_id       bigint,
  ts              bigint NOT NULL,
  -- when the pending notification goes; null when nothing is pending
  due_at          bigint,
  last_sent_at    bigint,
  -- the newest message seq this user was (or is about to be) notified of since their last read; 0: none
  notified_seq    bigint NOT NULL DEFAULT 0,
  -- set by the read trigger below: a read the push side has not folded in yet
  read_pending    boolean NOT NULL DEFAULT false,
  read_seq        bigint NOT NULL DEFAULT 0,
  -- bumped at every fold: a send completes only the version it sent
  version         bigint NOT NULL DEFAULT 0,
  -- a node sending this row holds it until then; past it another node may take it over
  lease_until     bigint,
  PRIMARY KEY (user_id, conversation_id)
);
CREATE INDEX push_notices_due ON push_notices (due_at) WHERE due_at IS NOT NULL;
CREATE INDEX push_notices_read ON push_notices (user_id, conversation_id) WHERE read_pending;

-- A read marker that moves records the read for push, in the read's own transaction, but only
-- for a user push told something since their last read (one primary-key probe per read).
CREATE FUNCTION push_note_read() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE push_notices SET read_pending = true, read_seq = NEW.last_read_seq
    WHERE user_id = NEW.user_id AND conversation_id = NEW.conversation_id AND notified_seq > 0;
  RETURN NULL;
END
$$;
CREATE TRIGGER members_read_for_push AFTER UPDATE OF last_read_seq ON members
  FOR EACH ROW WHEN (NEW.last_read_seq > OLD.last_read_seq) EXECUTE FUNCTION push_note_read();

-- A session signed out (PROTOCOL 2.1): its push subscriptions go in the same transaction, on
-- every sign-out path (sign-out, password change, the server API), and with pruned sessions.
CREATE FUNCTION push_drop_session_subscriptions() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM push_subscriptions WHERE session_id = OLD.id;
  RETURN NULL;
END
$$;
CREATE TRIGGER sessions_revoke_drops_push AFTER UPDATE OF revoked ON sessions
  FOR EACH ROW WHEN (NEW.revoked AND NOT OLD.revoked) EXECUTE FUNCTION push_drop_session_subscriptions();
CREATE TRIGGER sessions_delete_drops_push AFTER DELETE ON sessions
  FOR EACH ROW EXECUTE FUNCTION push_drop_session_subscriptions();
