package dev.parley.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Two network namespaces, "a" and "b", as two hosts of an operator's network (docs/split-brain.md):
 * <pre>
 *   host ── veth 10.N.1.1/30 ─── 10.N.1.2 [ns a] 10.N.9.1 ─┐
 *   host ── veth 10.N.2.1/30 ─── 10.N.2.2 [ns b] 10.N.9.2 ─┴─ bridge in ns "sw" (the cluster network)
 * </pre>
 * Clients on the host reach each namespace over its own veth (no routing, no forwarding on the host);
 * the namespaces reach each other only through the bridge, which {@link #cut()} takes namespace a's
 * port out of (its interface stays up: packets just vanish, as on a failed switch) and {@link #heal()}
 * puts back. Needs root and iproute2; {@link #unavailable()} says why not otherwise.
 */
public final class NetworkNamespaces implements AutoCloseable {

  private final String tag;
  private final int net;
  private final List<String> created = new ArrayList<>();

  private NetworkNamespaces(String tag, int net) {
    this.tag = tag;
    this.net = net;
  }

  /** Null when namespaces can be made here; else why not (for the skip message). */
  public static String unavailable() {
    if (!"root".equals(System.getProperty("user.name"))) {
      return "network namespaces need root (running as " + System.getProperty("user.name") + ")";
    }
    if (!new java.io.File("/usr/sbin/ip").canExecute() && !new java.io.File("/sbin/ip").canExecute()) {
      return "iproute2 (ip) is not installed";
    }
    String probe = "pprobe" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0xffff));
    try {
      run("ip", "netns", "add", probe);
      run("ip", "netns", "del", probe);
      return null;
    } catch (IllegalStateException e) {
      return "cannot create a network namespace: " + e.getMessage();
    }
  }

  public static NetworkNamespaces create() {
    String tag = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0xffff));
    NetworkNamespaces spaces = new NetworkNamespaces(tag, ThreadLocalRandom.current().nextInt(160, 250));
    try {
      spaces.build();
    } catch (RuntimeException e) {
      spaces.close();
      throw e;
    }
    return spaces;
  }

  private void build() {
    for (String ns : List.of(ns("a"), ns("b"), ns("sw"))) {
      run("ip", "netns", "add", ns);
      created.add(ns);
      run("ip", "-n", ns, "link", "set", "lo", "up");
    }
    run("ip", "-n", ns("sw"), "link", "add", "br0", "type", "bridge");
    run("ip", "-n", ns("sw"), "link", "set", "br0", "up");
    int side = 1;
    for (String name : List.of("a", "b")) {
      // host <-> namespace, for clients and PostgreSQL
      String hostEnd = "p" + name + tag + "h";
      run("ip", "link", "add", hostEnd, "type", "veth", "peer", "name", "up0", "netns", ns(name));
      created.add("link:" + hostEnd);
      run("ip", "addr", "add", "10." + net + "." + side + ".1/30", "dev", hostEnd);
      run("ip", "link", "set", hostEnd, "up");
      run("ip", "-n", ns(name), "addr", "add", "10." + net + "." + side + ".2/30", "dev", "up0");
      run("ip", "-n", ns(name), "link", "set", "up0", "up");
      // namespace <-> switch, the cluster network
      run("ip", "-n", ns("sw"), "link", "add", "port-" + name, "type", "veth", "peer", "name", "cl0", "netns", ns(name));
      run("ip", "-n", ns("sw"), "link", "set", "port-" + name, "master", "br0");
      run("ip", "-n", ns("sw"), "link", "set", "port-" + name, "up");
      run("ip", "-n", ns(name), "addr", "add", clusterAddress(name) + "/24", "dev", "cl0");
      run("ip", "-n", ns(name), "link", "set", "cl0", "up");
      side++;
    }
  }

  /** The namespace's name, for {@code ip netns exec}. */
  public String ns(String name) {
    return "parley-" + name + "-" + tag;
  }

  /** The prefix that runs a command inside namespace a or b. */
  public List<String> exec(String name) {
    return List.of("ip", "netns", "exec", ns(name));
  }

  /** Where clients on the host reach namespace a or b. */
  public String clientAddress(String name) {
    return "10." + net + "." + ("a".equals(name) ? 1 : 2) + ".2";
  }

  /** The host's end of namespace a's or b's veth: what its processes dial to reach the host. */
  public String hostAddress(String name) {
    return "10." + net + "." + ("a".equals(name) ? 1 : 2) + ".1";
  }

  /** Namespace a's or b's address on the cluster network. */
  public String clusterAddress(String name) {
    return "10." + net + ".9." + ("a".equals(name) ? 1 : 2);
  }

  /** Takes namespace a off the cluster network: nothing passes between a and b until {@link #heal()}. */
  public void cut() {
    run("ip", "-n", ns("sw"), "link", "set", "port-a", "nomaster");
  }

  public void heal() {
    run("ip", "-n", ns("sw"), "link", "set", "port-a", "master", "br0");
  }

  @Override
  public void close() {
    for (int i = created.size() - 1; i >= 0; i--) {
      String what = created.get(i);
      try {
        if (what.startsWith("link:")) {
          run("ip", "link", "del", what.substring(5));
        } else {
          run("ip", "netns", "del", what);
        }
      } catch (IllegalStateException alreadyGone) {
        // deleting a namespace takes its veth ends with it
      }
    }
    created.clear();
  }

  private static void run(String... command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(String.join(" ", command) + " did not finish");
      }
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (process.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", command) + ": " + output);
      }
    } catch (IOException e) {
      throw new IllegalStateException(String.join(" ", command) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
