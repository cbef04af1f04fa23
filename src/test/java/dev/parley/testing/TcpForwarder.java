package dev.parley.testing;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * Forwards TCP connections accepted on one address to another, byte for byte: how process nodes in
 * network namespaces reach the PostgreSQL that listens on the host's loopback only.
 */
public final class TcpForwarder implements AutoCloseable {

  private static final Vertx VERTX = Vertx.vertx();

  private final NetServer server;
  private final NetClient client;
  private final List<NetSocket> open = new ArrayList<>();

  private TcpForwarder(NetServer server, NetClient client) {
    this.server = server;
    this.client = client;
  }

  /** Listens on {@code host:port} and forwards each connection to {@code targetHost:targetPort}. */
  public static TcpForwarder start(String host, int port, String targetHost, int targetPort) {
    NetClient client = VERTX.createNetClient();
    NetServer server = VERTX.createNetServer();
    TcpForwarder forwarder = new TcpForwarder(server, client);
    server.connectHandler(inbound -> {
      inbound.pause();
      client.connect(targetPort, targetHost).onSuccess(outbound -> {
        forwarder.track(inbound, outbound);
        inbound.pipeTo(outbound);
        outbound.pipeTo(inbound);
        inbound.resume();
      }).onFailure(failure -> inbound.close());
    });
    TestCluster.await(server.listen(port, host).toCompletionStage().toCompletableFuture(), 10);
    return forwarder;
  }

  private synchronized void track(NetSocket inbound, NetSocket outbound) {
    open.add(inbound);
    open.add(outbound);
  }

  @Override
  public void close() {
    TestCluster.await(server.close().toCompletionStage().toCompletableFuture(), 10);
    synchronized (this) {
      open.forEach(NetSocket::close);
    }
    client.close();
  }
}
