package dev.parley.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One scrape of a node's management endpoint ({@code GET /metrics}), parsed from the Prometheus
 * text format into series (name with its labels, as printed) and values.
 */
public final class MetricsScrape {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final String text;
  private final Map<String, Double> series = new LinkedHashMap<>();

  private MetricsScrape(String text) {
    this.text = text;
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      series.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
    }
  }

  public static MetricsScrape of(int metricsPort) {
    return of("127.0.0.1", metricsPort);
  }

  public static MetricsScrape of(String host, int metricsPort) {
    try {
      HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
              URI.create("http://" + host + ":" + metricsPort + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException("scrape answered " + response.statusCode());
      }
      String type = response.headers().firstValue("Content-Type").orElse("");
      if (!type.startsWith("text/plain")) {
        throw new IllegalStateException("scrape is not Prometheus text: " + type);
      }
      return new MetricsScrape(response.body());
    } catch (java.io.IOException e) {
      throw new IllegalStateException("scrape failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The value of the one series printed exactly so (name and labels), or null if absent. */
  public Double value(String seriesText) {
    return series.get(seriesText);
  }

  /** The sum over every series of this metric name, whatever its labels; 0 if there is none. */
  public double sum(String name) {
    return series.entrySet().stream()
        .filter(e -> e.getKey().equals(name) || e.getKey().startsWith(name + "{"))
        .mapToDouble(Map.Entry::getValue).sum();
  }

  /** Whether any series of this metric name is printed. */
  public boolean has(String name) {
    return series.keySet().stream().anyMatch(key -> key.equals(name) || key.startsWith(name + "{"));
  }

  public String text() {
    return text;
  }
}
