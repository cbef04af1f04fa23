package dev.parley;

import dev.parley.config.AppConfig;
import dev.parley.config.ConfigException;
import dev.parley.config.ConfigLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts one Parley node from {@code conf/config.json} and the {@code PARLEY_*} environment. */
public final class Main {

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) {
    AppConfig config;
    try {
      config = ConfigLoader.load(System.getenv());
    } catch (ConfigException e) {
      LOG.error("configuration error: {}", e.getMessage());
      System.exit(2);
      return;
    }
    ParleyNode.start(config).whenComplete((node, failure) -> {
      if (failure != null) {
        Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
            ? failure.getCause() : failure;
        LOG.error("Parley could not start: {}", cause.getMessage(), cause);
        System.exit(1);
      }
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          node.close().get(20, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
          LOG.warn("shutdown did not complete cleanly: {}", e.toString());
        }
      }, "parley-shutdown"));
    });
  }
}
