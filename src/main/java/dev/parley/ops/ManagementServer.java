package dev.parley.ops;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.micrometer.PrometheusRequestHandler;

/**
 * The management HTTP server: {@code GET /metrics} in Prometheus text format, on its own port
 * (loopback by default) so that the metrics never share the public port or its balancer.
 */
public final class ManagementServer {

  private ManagementServer() {}

  /** Listens on host:port; the returned server is closed with the node. */
  public static Future<HttpServer> start(Vertx vertx, String host, int port, PrometheusMeterRegistry registry) {
    Handler<HttpServerRequest> scrape = PrometheusRequestHandler.create(registry);
    return vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port))
        .requestHandler(request -> {
          if (request.method() == HttpMethod.GET && "/metrics".equals(request.path())) {
            scrape.handle(request);
          } else {
            request.response().setStatusCode(404).end();
          }
        })
        .listen();
  }
}
