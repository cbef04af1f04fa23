-- Sign-in sessions (PROTOCOL 2.1) and group changes as stored events (PROTOCOL 1, 3.3).

-- One row per successful POST /sessions. The token names its row (claim "sid"); a token is
-- accepted only while its row is not revoked, so a sign-out holds on every node at once.
CREATE TABLE sessions (
  -- 32 random bytes, base64url: unguessable, and never enough on its own (the token is signed)
  id             text    PRIMARY KEY,
  user_id        bigint  NOT NULL REFERENCES users (id),
  device_id      text,
  created_at     bigint  NOT NULL,
  -- refreshed at most once a minute per session, not on every request
  last_active_at bigint  NOT NULL,
  -- the token's exp: past it the session is no longer listed
  expires_at     bigint  NOT NULL,
  revoked        boolean NOT NULL DEFAULT false
);
-- serves GET /sessions and the prune of expired and signed-out rows at each login
CREATE INDEX sessions_by_user ON sessions (user_id, created_at DESC);

-- Who created a group: group creation is limited per user and hour, counted here.
ALTER TABLE conversations ADD COLUMN created_by bigint;
CREATE INDEX conversations_created_by ON conversations (created_by, created_at) WHERE created_by IS NOT NULL;

-- member and title events take seqs in the same log as messages and recalls.
ALTER TABLE events DROP CONSTRAINT events_kind_check;
ALTER TABLE events ADD CONSTRAINT events_kind_check CHECK (kind IN ('message', 'recall', 'member', 'title'));
-- member and title events name no message
ALTER TABLE events ALTER COLUMN message_id DROP NOT NULL;
ALTER TABLE events ADD CONSTRAINT events_message_id_present
  CHECK ((kind IN ('message', 'recall')) = (message_id IS NOT NULL));
-- member: the user added, removed, leaving or given a role (sender_id is who did it)
ALTER TABLE events ADD COLUMN member_id bigint;
-- member: added | removed | left | role
ALTER TABLE events ADD COLUMN action text CHECK (action IN ('added', 'removed', 'left', 'role'));
-- member: the new role; null when removed or left
ALTER TABLE events ADD COLUMN role text CHECK (role IN ('owner', 'admin', 'member'));
-- title: the new title
ALTER TABLE events ADD COLUMN title text;
