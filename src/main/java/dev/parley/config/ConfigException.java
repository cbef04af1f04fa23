package dev.parley.config;

/** A bad or missing setting. Its message is one line that names the setting; start-up stops with it. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message, null, false, false);
  }
}
