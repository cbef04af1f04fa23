package dev.parley.bench;

import dev.parley.testing.Api;
import dev.parley.testing.Uploads;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Load generator for {@code bench/uploads.sh}: for each file size, {@code count} uploads through
 * {@code POST /uploads} on the first node, {@code window} at a time (one load user per slot of the
 * window, so no user passes its per-user bound), then one download of each from the last node.
 * Prints files/s, MiB/s and latency percentiles for both, and the load average around the run.
 *
 * <p>Arguments: {@code nodes=127.0.0.1:18381 sizes=102400,5242880 count=200,20 window=4}
 */
public final class UploadLoad {

  private UploadLoad() {}

  public static void main(String[] argv) throws Exception {
    Map<String, String> args = new HashMap<>();
    for (String arg : argv) {
      String[] pair = arg.split("=", 2);
      args.put(pair[0], pair.length > 1 ? pair[1] : "");
    }
    List<String> nodes = List.of(args.getOrDefault("nodes", "127.0.0.1:8081").split(","));
    int[] sizes = Arrays.stream(args.getOrDefault("sizes", "102400,5242880").split(",")).mapToInt(Integer::parseInt).toArray();
    int[] counts = Arrays.stream(args.getOrDefault("count", "200,20").split(",")).mapToInt(Integer::parseInt).toArray();
    int window = Integer.parseInt(args.getOrDefault("window", "4"));
    int uploadPort = port(nodes.get(0));
    int downloadPort = port(nodes.get(nodes.size() - 1));
    Api api = new Api(uploadPort);
    List<Api.Account> users = new ArrayList<>();
    for (int i = 0; i < window; i++) {
      users.add(api.newAccount("load"));
    }
    System.out.printf("load average before: %s%n", loadAverage());
    ExecutorService pool = Executors.newFixedThreadPool(window);
    try {
      for (int s = 0; s < sizes.length; s++) {
        run(pool, users, uploadPort, downloadPort, sizes[s], counts[Math.min(s, counts.length - 1)], window);
      }
    } finally {
      pool.shutdownNow();
    }
    System.out.printf("load average after: %s%n", loadAverage());
  }

  /** One finished upload: how long it took, whose it is, its id. */
  private record Stored(long nanos, Api.Account owner, String id) {}

  private static void run(ExecutorService pool, List<Api.Account> users, int uploadPort, int downloadPort, int size,
                          int count, int window) throws Exception {
    byte[] bytes = new byte[size];
    new Random(size).nextBytes(bytes);
    List<Future<Stored>> uploads = new ArrayList<>();
    long start = System.nanoTime();
    for (int i = 0; i < count; i++) {
      Api.Account user = users.get(i % window);
      String name = "file-" + i + ".bin";
      uploads.add(pool.submit(() -> {
        long t0 = System.nanoTime();
        Uploads.Uploaded uploaded = Uploads.upload(uploadPort, user.token(), name, "application/octet-stream", bytes);
        if (uploaded.status() != 201) {
          throw new IllegalStateException("upload answered " + uploaded.status() + " " + uploaded.body());
        }
        return new Stored(System.nanoTime() - t0, user, uploaded.id());
      }));
    }
    List<Stored> stored = new ArrayList<>();
    for (Future<Stored> upload : uploads) {
      stored.add(upload.get(10, TimeUnit.MINUTES));
    }
    report("upload", size, count, (System.nanoTime() - start) / 1e9, stored.stream().map(Stored::nanos).toList());

    // Downloads: each file once, by its uploader, from the last node.
    List<Future<Long>> downloads = new ArrayList<>();
    start = System.nanoTime();
    for (Stored file : stored) {
      downloads.add(pool.submit(() -> {
        long t0 = System.nanoTime();
        Uploads.Download read = Uploads.download(downloadPort, file.owner().token(), file.id(), false);
        if (read.status() != 200 || read.bytes().length != size) {
          throw new IllegalStateException("download answered " + read.status());
        }
        return System.nanoTime() - t0;
      }));
    }
    List<Long> downloadNanos = new ArrayList<>();
    for (Future<Long> download : downloads) {
      downloadNanos.add(download.get(10, TimeUnit.MINUTES));
    }
    report("download", size, count, (System.nanoTime() - start) / 1e9, downloadNanos);
  }

  private static void report(String what, int size, int count, double seconds, List<Long> nanos) {
    List<Long> sorted = new ArrayList<>(nanos);
    Collections.sort(sorted);
    double mib = (double) size * count / (1024 * 1024);
    System.out.printf("%-8s %9d B x %4d: %7.1f files/s, %7.1f MiB/s, p50 %.1f ms, p95 %.1f ms (%.1f s)%n", what, size,
        count, count / seconds, mib / seconds, sorted.get(sorted.size() / 2) / 1e6,
        sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(sorted.size() * 0.95) - 1)) / 1e6, seconds);
  }

  private static int port(String address) {
    return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
  }

  private static String loadAverage() throws IOException {
    return Files.readString(Path.of("/proc/loadavg")).trim();
  }
}
