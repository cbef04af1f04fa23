package dev.parley.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.config.AppConfig;
import dev.parley.config.ConfigLoader;
import dev.parley.node.NodeServices;
import dev.parley.ops.HealthProbes;
import dev.parley.protocol.Json;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document and the router say the same: every route the API router really mounts (the
 * server API's included, which needs a key configured) has an operation in the document, and every
 * operation has a route. A branch that adds a route fails here until the document describes it.
 * Paths answered in front of the router ({@link HealthProbes#PATHS}) count as routes too; a new
 * handler of that kind must list its paths the same way.
 */
class OpenApiDocumentTest {

  private static final Set<String> OPERATIONS = Set.of("get", "put", "post", "delete", "patch", "head", "options", "trace");
  private static Vertx vertx;
  private static Router router;
  private static JsonNode document;

  @BeforeAll
  static void mount() throws IOException {
    vertx = Vertx.vertx();
    AppConfig config = ConfigLoader.fromEnvironment(Map.of(
        "PARLEY_JWT_SECRET", "openapi-test-secret-openapi-test-secret",
        "PARLEY_SERVER_API_KEYS", "openapi-test-server-key-0123456789abcdef"));
    // Mounting reads only the config; no route runs here, so no pool, hasher or presence is needed.
    router = ApiRouter.create(vertx, NodeServices.create(vertx, config, "node", null, null, null, () -> true, null));
    try (InputStream in = OpenApiDocumentTest.class.getClassLoader().getResourceAsStream(OpenApiDocument.RESOURCE)) {
      assertNotNull(in, OpenApiDocument.RESOURCE + " is on the classpath");
      document = Json.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  @AfterAll
  static void close() {
    vertx.close();
  }

  /** "METHOD /path/{param}" for every route with a method; a route with an exact path but no method fails. */
  private static Set<String> mountedOperations() {
    Set<String> mounted = new TreeSet<>();
    List<String> unmethodical = new ArrayList<>();
    for (Route route : router.getRoutes()) {
      String path = route.getPath();
      Set<HttpMethod> methods = route.methods();
      if (path == null) {
        // A route given as a regular expression (path parameters are fine) cannot be compared.
        assertFalse(route.isRegexPath(), "a regex route cannot be compared with the document: " + route);
        continue;
      }
      String templated = path.replaceAll(":([A-Za-z0-9_]+)", "{$1}");
      if (methods == null || methods.isEmpty()) {
        // Handlers on every method and a wildcard path are middleware (headers, body, auth, 404s).
        if (route.isExactPath()) {
          unmethodical.add(path);
        }
        continue;
      }
      methods.forEach(method -> mounted.add(method.name() + " " + templated));
    }
    assertEquals(List.of(), unmethodical, "routes on an exact path need an HTTP method, so the document can name it");
    // Served in front of the router (they must answer while the node drains), on GET.
    HealthProbes.PATHS.forEach(path -> mounted.add("GET " + path));
    return mounted;
  }

  private static Set<String> documentedOperations() {
    Set<String> documented = new TreeSet<>();
    document.get("paths").fields().forEachRemaining(path -> path.getValue().fieldNames().forEachRemaining(method -> {
      if (OPERATIONS.contains(method)) {
        documented.add(method.toUpperCase(java.util.Locale.ROOT) + " " + path.getKey());
      }
    }));
    return documented;
  }

  @Test
  @DisplayName("every mounted route has an operation in the OpenAPI document")
  void everyRouteDocumented() {
    Set<String> missing = new TreeSet<>(mountedOperations());
    missing.removeAll(documentedOperations());
    assertEquals(Set.of(), missing, "routes without an entry in " + OpenApiDocument.RESOURCE);
  }

  @Test
  @DisplayName("every operation in the OpenAPI document has a mounted route")
  void everyOperationMounted() {
    Set<String> extra = new TreeSet<>(documentedOperations());
    extra.removeAll(mountedOperations());
    assertEquals(Set.of(), extra, "entries in " + OpenApiDocument.RESOURCE + " that no route serves");
  }

  @Test
  @DisplayName("the document is OpenAPI 3.1; the server key guards exactly the /api/v1/server/ operations, a bearer token the others that need auth")
  void securityMatchesPaths() {
    assertTrue(document.get("openapi").asText().startsWith("3.1."), document.get("openapi").toString());
    assertEquals(Set.of("bearerAuth", "serverKey"), fieldNames(document.get("components").get("securitySchemes")));
    document.get("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(entry -> {
      if (!OPERATIONS.contains(entry.getKey())) {
        return;
      }
      String what = entry.getKey() + " " + path.getKey();
      JsonNode operation = entry.getValue();
      assertTrue(operation.hasNonNull("operationId") && operation.get("responses").size() > 0, what);
      JsonNode security = operation.get("security");
      assertNotNull(security, what + " declares its security (an empty list for public calls)");
      Set<String> schemes = new TreeSet<>();
      security.forEach(requirement -> schemes.addAll(fieldNames(requirement)));
      boolean serverApi = path.getKey().startsWith("/api/v1/server/");
      assertEquals(serverApi, schemes.contains("serverKey"), what);
      if (schemes.contains("bearerAuth")) {
        assertFalse(serverApi, what);
      }
      if (!schemes.isEmpty()) {
        assertTrue(operation.get("responses").has("401"), what + " documents its 401");
      }
    }));
  }

  private static Set<String> fieldNames(JsonNode node) {
    Set<String> names = new TreeSet<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
