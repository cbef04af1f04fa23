-- Attachments (PROTOCOL 2, 2.2). Design and lifecycle: docs/uploads.md.

-- One row per upload. It is written 'pending' before its bytes go to the blob store and made
-- ready (with what sniffing and the image probe found) after, so a node that dies mid-upload
-- leaves a pending row the sweep deletes with whatever bytes it had stored.
CREATE TABLE uploads (
  -- opaque and unguessable: 16 random bytes, base64url
  id                  text    PRIMARY KEY,
  owner_id            bigint  NOT NULL REFERENCES users (id),
  -- the uploaded file name, without any path
  name                text    NOT NULL,
  -- as sniffed from the bytes and checked against the declared type, never the declared one alone
  mime                text    NOT NULL,
  size                bigint  NOT NULL,
  width               int,
  height              int,
  -- the thumbnail's type (image/png or image/jpeg); null when there is none
  thumbnail_mime      text,
  ready               boolean NOT NULL DEFAULT false,
  created_at          bigint  NOT NULL,
  -- the send that named it: the owner's clientMsgId; the message (owner_id, claim_client_msg_id)
  -- in the log is what references the upload, and what gives that conversation's members access
  claim_client_msg_id text,
  claimed_at          bigint,
  -- set once that message is known to be committed; until then the sweep looks for it in the log
  message_id          bigint,
  -- set by a recall/revoke of that message or by the sweep: served to nobody from then on; the
  -- bytes and then the row are deleted after (retried by the sweep if a node dies in between)
  deleted_at          bigint
);
-- a send's claimed uploads, and a recall's lookup of them
CREATE INDEX uploads_by_claim ON uploads (owner_id, claim_client_msg_id) WHERE claim_client_msg_id IS NOT NULL;
-- the sweep's candidates: not known to be referenced, oldest first; referenced uploads leave the
-- index, so the sweep's cost follows the unreferenced ones, not every upload ever made
CREATE INDEX uploads_unreferenced ON uploads ((coalesce(claimed_at, created_at)))
  WHERE message_id IS NULL AND deleted_at IS NULL;
CREATE INDEX uploads_deleted ON uploads (deleted_at) WHERE deleted_at IS NOT NULL;

-- The PostgreSQL blob store: a blob is its chunks of up to 256 KiB, in order, so neither a write
-- nor a read ever holds a whole 25 MiB value (a bytea is read whole). Keys are the blob store's:
-- an upload's id, and its id with '/thumbnail'.
CREATE TABLE blob_chunks (
  blob_key text  NOT NULL,
  idx      int   NOT NULL,
  data     bytea NOT NULL,
  PRIMARY KEY (blob_key, idx)
);
-- the bytes are already compressed (images, zip, pdf) or cheap to store as they are: no TOAST
-- compression attempt on every chunk
ALTER TABLE blob_chunks ALTER COLUMN data SET STORAGE EXTERNAL;
