package dev.parley.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the nodes hold, through {@code jcmd}: heap used after a full GC, process RSS, and the
 * live objects by class ({@code GC.class_histogram}, which also runs a full GC), summed over the
 * nodes, so that the difference of two snapshots divided by a connection count is what each
 * connection costs.
 */
final class NodeMemory {

  private static final Pattern HEAP_USED = Pattern.compile("total \\d+K, used (\\d+)K");

  /** Summed over the nodes, in bytes. */
  record Usage(long heapAfterGc, long rss) {}

  private final List<Long> pids;

  NodeMemory(List<Long> pids) {
    this.pids = pids;
  }

  Usage usage() throws IOException, InterruptedException {
    long heap = 0;
    long rss = 0;
    for (long pid : pids) {
      jcmd(pid, "GC.run");
      Matcher used = HEAP_USED.matcher(jcmd(pid, "GC.heap_info"));
      if (used.find()) {
        heap += Long.parseLong(used.group(1)) * 1024;
      }
      rss += rss(pid);
    }
    return new Usage(heap, rss);
  }

  static long rss(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
      }
    }
    return 0;
  }

  /** Live objects by class summed over the nodes: {instances, bytes}. */
  Map<String, long[]> histogram() throws IOException, InterruptedException {
    Map<String, long[]> byClass = new HashMap<>();
    for (long pid : pids) {
      for (String line : jcmd(pid, "GC.class_histogram").split("\n")) {
        String[] f = line.trim().split("\\s+");
        if (f.length >= 4 && f[0].endsWith(":")) {
          long[] v = byClass.computeIfAbsent(f[3], k -> new long[2]);
          v[0] += Long.parseLong(f[1]);
          v[1] += Long.parseLong(f[2]);
        }
      }
    }
    return byClass;
  }

  /**
   * The {@code top} classes that grew most between two histograms, per connection, then every
   * class of the project's own that grew ({@code ownPrefix}), with their sum.
   */
  static void printDelta(Map<String, long[]> before, Map<String, long[]> after, int connections, int top,
      String ownPrefix) {
    List<Map.Entry<String, long[]>> grown = after.entrySet().stream()
        .map(e -> Map.entry(e.getKey(), new long[] {
            e.getValue()[0] - before.getOrDefault(e.getKey(), new long[2])[0],
            e.getValue()[1] - before.getOrDefault(e.getKey(), new long[2])[1]}))
        .sorted((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1]))
        .toList();
    grown.stream().limit(top).forEach(e -> print(e, connections));
    List<Map.Entry<String, long[]>> own = grown.stream()
        .filter(e -> e.getKey().startsWith(ownPrefix) && e.getValue()[1] > 0).toList();
    if (!own.isEmpty()) {
      System.out.printf("  of which %s (%.0f B per connection in all):%n", ownPrefix,
          own.stream().mapToLong(e -> e.getValue()[1]).sum() / (double) connections);
      own.forEach(e -> print(e, connections));
    }
  }

  private static void print(Map.Entry<String, long[]> e, int connections) {
    System.out.printf("  %8.2f objs %8.0f B per connection  %s%n",
        e.getValue()[0] / (double) connections, e.getValue()[1] / (double) connections, e.getKey());
  }

  private static String jcmd(long pid, String command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("jcmd", Long.toString(pid), command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    p.waitFor();
    return out;
  }
}
