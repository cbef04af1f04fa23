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
      // SIGTERM (docker stop, systemd, Process.destroy) runs this: drain, then exit. The bound
      // keeps a stuck step (a database that no longer answers) from holding the process past
      // what the supervisor waits before SIGKILL; set it below that (docker: 10 s unless
      // stop_grace_period says more).
      long bound = config.ops().shutdownTimeout().toMillis();
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        long started = System.nanoTime();
        LOG.info("stopping: draining within {} ms", bound);
        try {
          node.close().get(bound, java.util.concurrent.TimeUnit.MILLISECONDS);
          LOG.info("stopped cleanly in {} ms", (System.nanoTime() - started) / 1_000_000);
        } catch (java.util.concurrent.TimeoutException e) {
          LOG.warn("shutdown did not finish within {} ms; exiting anyway", bound);
        } catch (Exception e) {
          LOG.warn("shutdown did not complete cleanly: {}", e.toString());
        }
      }, "parley-shutdown"));
    });
  }
}
