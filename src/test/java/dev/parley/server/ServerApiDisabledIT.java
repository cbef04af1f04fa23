package dev.parley.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.parley.testing.Api;
import dev.parley.testing.ClusterExtension;
import dev.parley.testing.ServerApi;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** With no server key configured (the default), the server API does not exist (PROTOCOL 4). */
class ServerApiDisabledIT {

  @RegisterExtension
  static final ClusterExtension cluster = new ClusterExtension(1);

  @Test
  @DisplayName("without PARLEY_SERVER_API_KEYS every /api/v1/server/ path is 404, with or without a key or a user token")
  void notFound() {
    Api.Account alice = cluster.api().newAccount("alice");
    ServerApi withKey = new ServerApi(cluster.port(0), ServerApiIT.KEY);
    List<String[]> calls = List.of(
        new String[] {"POST", "/server/users", "{\"username\":\"someone\"}"},
        new String[] {"POST", "/server/users/" + alice.id() + "/tokens", "{}"},
        new String[] {"POST", "/server/conversations", "{}"},
        new String[] {"POST", "/server/messages", "{}"},
        new String[] {"POST", "/server/notices", "{}"},
        new String[] {"GET", "/server/users/" + alice.id() + "/presence", null},
        new String[] {"POST", "/server/users/" + alice.id() + "/disconnect", "{}"},
        new String[] {"GET", "/server", null});
    for (String[] call : calls) {
      for (ServerApi client : List.of(withKey, withKey.withKey(null))) {
        Api.Response response = client.call(call[0], call[1], call[2], Map.of("Authorization", "Bearer " + alice.token()));
        assertEquals(404, response.status(), call[0] + " " + call[1] + ": " + response);
        assertEquals("NOT_FOUND", response.errorCode());
      }
    }
    assertEquals(200, cluster.api().get("/me", alice.token()).status(), "the rest of the API is there");
  }
}
