package dev.parley.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The CPU split of a measured interval, from {@code /proc}: user+sys clock ticks of the generator,
 * each node, the PostgreSQL backends of the run's database and every {@code postgres} process
 * (the latter includes the WAL writer, checkpointer and other databases' backends), as % of one
 * core over the interval. A process that started during the interval counts from zero; one that
 * ended is lost (a backend that lives for the run, as the nodes' pools do, is not).
 */
final class CpuSplit {

  /** USER_HZ: 100 on every Linux this runs on (sysconf(_SC_CLK_TCK)). */
  static final long TICKS_PER_SECOND = 100;

  /** A snapshot: ticks by pid for each group, the time taken, the load average then. */
  record Sample(long nanos, Map<String, Map<Long, Long>> ticksByGroup, String loadAverage) {}

  private final Map<String, List<Long>> processes;
  private final String database;

  /** @param processes named processes to follow (generator, node0, ...) */
  CpuSplit(Map<String, List<Long>> processes, String database) {
    this.processes = processes;
    this.database = database;
  }

  Sample sample() {
    Map<String, Map<Long, Long>> groups = new LinkedHashMap<>();
    processes.forEach((name, pids) -> {
      Map<Long, Long> ticks = new LinkedHashMap<>();
      pids.forEach(pid -> ticks.put(pid, ticksOf(pid)));
      groups.put(name, ticks);
    });
    Map<Long, Long> ours = new LinkedHashMap<>();
    Map<Long, Long> all = new LinkedHashMap<>();
    for (long pid : postgresPids()) {
      long ticks = ticksOf(pid);
      all.put(pid, ticks);
      if (cmdline(pid).contains(" " + database + " ")) {
        ours.put(pid, ticks);
      }
    }
    groups.put("pg(" + database + ")", ours);
    groups.put("pg(all)", all);
    return new Sample(System.nanoTime(), groups, loadAverage());
  }

  /** "generator 55% | node0 80% | pg(db) 30% | pg(all) 41% (of one core over 10.0 s; load average at start 3.1 2.0 1.2)". */
  static String report(Sample before, Sample after) {
    double seconds = (after.nanos() - before.nanos()) / 1e9;
    List<String> parts = new ArrayList<>();
    after.ticksByGroup().forEach((group, ticks) -> parts.add(String.format("%s %.0f%%", group,
        percentOfCore(delta(before.ticksByGroup().getOrDefault(group, Map.of()), ticks), seconds))));
    return String.join(" | ", parts) + String.format(" (of one core over %.1f s; load average at start %s)",
        seconds, before.loadAverage());
  }

  /** Ticks used between two snapshots of a group, per pid (a new pid counts from zero). */
  static long delta(Map<Long, Long> before, Map<Long, Long> after) {
    long sum = 0;
    for (Map.Entry<Long, Long> e : after.entrySet()) {
      sum += Math.max(0, e.getValue() - before.getOrDefault(e.getKey(), 0L));
    }
    return sum;
  }

  static double percentOfCore(long ticks, double seconds) {
    return seconds <= 0 ? 0 : 100.0 * ticks / TICKS_PER_SECOND / seconds;
  }

  /** utime + stime from a {@code /proc/<pid>/stat} line (fields 14 and 15; the name may hold spaces). */
  static long ticksFromStat(String stat) {
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
    return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
  }

  static long ticksOf(long pid) {
    try {
      return ticksFromStat(Files.readString(Path.of("/proc/" + pid + "/stat")));
    } catch (NoSuchFileException gone) {
      return 0;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String cmdline(long pid) {
    try {
      return Files.readString(Path.of("/proc/" + pid + "/cmdline")).replace('\0', ' ');
    } catch (IOException gone) {
      return "";
    }
  }

  private static List<Long> postgresPids() {
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      return procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
          .filter(p -> {
            try {
              return Files.readString(p.resolve("comm")).trim().equals("postgres");
            } catch (IOException gone) {
              return false;
            }
          })
          .map(p -> Long.parseLong(p.getFileName().toString())).toList();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      return "?";
    }
  }
}
