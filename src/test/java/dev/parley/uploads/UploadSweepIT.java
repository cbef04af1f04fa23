package dev.parley.uploads;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.testing.Api;
import dev.parley.testing.ChatClient;
import dev.parley.testing.ClusterExtension;
import dev.parley.testing.Conditions;
import dev.parley.testing.Frames;
import dev.parley.testing.TestCluster;
import dev.parley.testing.Uploads;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * PROTOCOL 2.2: an upload no message references is deleted after the TTL. The TTL and the sweep
 * interval are set short here, and the test waits on the outcome (rows gone, 404), never a sleep.
 */
class UploadSweepIT {

  private static final int TTL_S = 4;

  @RegisterExtension
  static final ClusterExtension cluster = new ClusterExtension(1, TestCluster.Settings.DEFAULTS
      .with("PARLEY_UPLOAD_UNREFERENCED_TTL_S", Integer.toString(TTL_S))
      .with("PARLEY_UPLOAD_SWEEP_INTERVAL_S", "1"));

  private static long count(String sql) {
    return cluster.database().queryLong(sql);
  }

  @Test
  @DisplayName("an upload no message references is readable until the TTL passes, then its bytes and row are gone")
  void unreferencedUploadIsSwept() {
    Api.Account alice = cluster.api().newAccount("sweep");
    byte[] bytes = UploadsIT.random(600_000);
    Uploads.Uploaded uploaded = Uploads.upload(cluster.port(0), alice.token(), "soon-gone.bin", null, bytes);
    assertEquals(201, uploaded.status());
    String id = uploaded.id();
    long created = System.currentTimeMillis();
    Uploads.Download read = Uploads.download(cluster.port(0), alice.token(), id, false);
    // Read at once: within the TTL (a slow machine may be past it, and then 404 is right too).
    if (System.currentTimeMillis() - created < TTL_S * 1000L) {
      assertEquals(200, read.status());
    }
    Conditions.await(() -> count("SELECT count(*) FROM uploads WHERE id = '" + id + "'") == 0,
        Duration.ofSeconds(30), Duration.ofMillis(100), "the sweep to delete the unreferenced upload's row");
    assertEquals(0, count("SELECT count(*) FROM blob_chunks WHERE blob_key LIKE '" + id + "%'"), "and its chunks");
    assertEquals(404, Uploads.download(cluster.port(0), alice.token(), id, false).status());
  }

  @Test
  @DisplayName("what a node that died mid-upload left behind (a pending row and some chunks) is swept too")
  void abandonedPendingUploadIsSwept() {
    Api.Account bob = cluster.api().newAccount("sweep_pending");
    String id = "PendingPendingPending0";
    count("WITH i AS (INSERT INTO uploads (id, owner_id, name, mime, size, created_at) VALUES ('" + id + "', "
        + bob.id() + ", 'half.bin', 'application/octet-stream', 10, 0) RETURNING 1) SELECT count(*) FROM i");
    count("WITH i AS (INSERT INTO blob_chunks (blob_key, idx, data) VALUES ('" + id + "', 0, '\\x0102') RETURNING 1)"
        + " SELECT count(*) FROM i");
    Conditions.await(() -> count("SELECT count(*) FROM uploads WHERE id = '" + id + "'") == 0,
        Duration.ofSeconds(30), Duration.ofMillis(100), "the sweep to delete the pending upload");
    assertEquals(0, count("SELECT count(*) FROM blob_chunks WHERE blob_key = '" + id + "'"));
  }

  @Test
  @DisplayName("an upload a message carries survives the sweep: its reference is recorded and members still read it")
  void referencedUploadSurvives() {
    Api.Account alice = cluster.api().newAccount("kept");
    Api.Account bob = cluster.api().newAccount("kept_peer");
    long direct = cluster.api().direct(alice, bob);
    try (ChatClient phone = ChatClient.login(cluster.port(0), alice, "phone")) {
      // Uploaded right before the send, so the send claims it well within the short TTL.
      Uploads.Uploaded uploaded = Uploads.upload(cluster.port(0), alice.token(), "kept.bin", null, UploadsIT.random(1000));
      ObjectNode send = Frames.cmd("send").put("conversationId", direct).put("clientMsgId", "kept-1").put("text", "");
      send.putArray("attachments").add(uploaded.id());
      assertEquals("ack", phone.request(send).path("type").asText());
      Conditions.await(() -> count("SELECT count(*) FROM uploads WHERE id = '" + uploaded.id()
              + "' AND message_id IS NOT NULL") == 1,
          Duration.ofSeconds(30), Duration.ofMillis(100), "the sweep to record the message that references the upload");
      assertEquals(200, Uploads.download(cluster.port(0), bob.token(), uploaded.id(), false).status());
    }
  }

  @Test
  @DisplayName("an upload claimed by a send that never committed is swept after the TTL")
  void claimedButNeverSentIsSwept() {
    Api.Account alice = cluster.api().newAccount("lost");
    Api.Account bob = cluster.api().newAccount("lost_b");
    Api.Account carol = cluster.api().newAccount("lost_c");
    long notHers = cluster.api().group(bob, "not hers", java.util.List.of(carol));
    Uploads.Uploaded uploaded;
    try (ChatClient phone = ChatClient.login(cluster.port(0), alice, "phone")) {
      uploaded = Uploads.upload(cluster.port(0), alice.token(), "lost.bin", null, UploadsIT.random(1000));
      ObjectNode send = Frames.cmd("send").put("conversationId", notHers).put("clientMsgId", "lost-1").put("text", "");
      send.putArray("attachments").add(uploaded.id());
      Frames.assertError(phone.request(send), "NOT_FOUND");
    }
    assertEquals(1, count("SELECT count(*) FROM uploads WHERE id = '" + uploaded.id()
        + "' AND claim_client_msg_id = 'lost-1'"), "claimed before the append was refused");
    Conditions.await(() -> count("SELECT count(*) FROM uploads WHERE id = '" + uploaded.id() + "'") == 0,
        Duration.ofSeconds(30), Duration.ofMillis(100), "the sweep to delete the claimed, never sent upload");
  }
}
