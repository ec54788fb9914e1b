package org.wsol.common.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Layered configuration: built-in defaults &lt; properties file &lt; environment &lt; command-line flags.
 *
 * <p>Environment variables {@code WSOL_FOO_BAR} set {@code foo.bar}. Any key under {@code kafka.} is passed to
 * every Kafka client as it is (minus the prefix), so TLS and SASL settings need no code:
 * {@code kafka.security.protocol=SASL_SSL} or {@code WSOL_KAFKA_SECURITY_PROTOCOL=SASL_SSL}.
 * {@code kafka.producer.*}, {@code kafka.consumer.*} and {@code kafka.streams.*} reach only that kind of client.
 */
public final class Settings {
  public static final String KAFKA_PREFIX = "kafka.";
  private final Map<String, String> values;

  private Settings(Map<String, String> values) {
    this.values = Collections.unmodifiableMap(new TreeMap<>(values));
  }

  public static Settings of(Map<String, String> values) {
    return new Settings(values);
  }

  /**
   * @param file a properties file, or null for {@code $WSOL_CONFIG}, else {@code ./wsol.properties} when present
   * @param env the process environment
   * @param flags values given on the command line (highest precedence)
   */
  public static Settings load(Path file, Map<String, String> env, Map<String, String> flags) {
    Map<String, String> merged = new LinkedHashMap<>(Defaults.VALUES);
    Path source = file;
    if (source == null && env.get("WSOL_CONFIG") != null) {
      source = Path.of(env.get("WSOL_CONFIG"));
    }
    if (source == null && Files.isRegularFile(Path.of("wsol.properties"))) {
      source = Path.of("wsol.properties");
    }
    if (source != null) {
      if (!Files.isRegularFile(source)) {
        throw new IllegalArgumentException("config file " + source + " not found: pass an existing file to --config");
      }
      Properties p = new Properties();
      try (Reader r = Files.newBufferedReader(source)) {
        p.load(r);
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read config file " + source + ": " + e.getMessage(), e);
      }
      p.stringPropertyNames().forEach(k -> merged.put(k, p.getProperty(k).trim()));
    }
    env.forEach((k, v) -> {
      if (k.startsWith("WSOL_") && !k.equals("WSOL_CONFIG") && !k.equals("WSOL_JAVA_OPTS")) {
        merged.put(k.substring(5).toLowerCase().replace('_', '.'), v);
      }
    });
    merged.putAll(flags);
    return new Settings(merged);
  }

  public Settings with(String key, String value) {
    Map<String, String> m = new LinkedHashMap<>(values);
    m.put(key, value);
    return new Settings(m);
  }

  public Settings withAll(Map<String, String> more) {
    Map<String, String> m = new LinkedHashMap<>(values);
    m.putAll(more);
    return new Settings(m);
  }

  public String get(String key) {
    String v = values.get(key);
    if (v == null) {
      throw new IllegalArgumentException("setting '" + key + "' is required: set it in wsol.properties, as WSOL_"
          + key.toUpperCase().replace('.', '_') + ", or with --set " + key + "=...");
    }
    return v;
  }

  public String get(String key, String fallback) {
    return values.getOrDefault(key, fallback);
  }

  public int getInt(String key) {
    String v = get(key);
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("setting '" + key + "' must be an integer, got '" + v + "'");
    }
  }

  public long getLong(String key) {
    String v = get(key);
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("setting '" + key + "' must be an integer, got '" + v + "'");
    }
  }

  public double getDouble(String key) {
    String v = get(key);
    try {
      return Double.parseDouble(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("setting '" + key + "' must be a number, got '" + v + "'");
    }
  }

  public boolean getBoolean(String key) {
    String v = get(key).trim().toLowerCase();
    if (!v.equals("true") && !v.equals("false")) {
      throw new IllegalArgumentException("setting '" + key + "' must be true or false, got '" + v + "'");
    }
    return v.equals("true");
  }

  public Map<String, String> asMap() {
    return values;
  }

  /** Properties for every Kafka client: bootstrap servers and each {@code kafka.*} key, prefix removed. */
  public Properties kafka() {
    return kafka(null);
  }

  /** Producer properties: {@link #kafka()} plus {@code kafka.producer.*}. */
  public Properties producer() {
    return kafka("producer");
  }

  /** Consumer properties: {@link #kafka()} plus {@code kafka.consumer.*}. */
  public Properties consumer() {
    return kafka("consumer");
  }

  /** Kafka Streams properties: {@link #kafka()} plus {@code kafka.streams.*}. */
  public Properties streams() {
    return kafka("streams");
  }

  private Properties kafka(String role) {
    Properties p = new Properties();
    p.put("bootstrap.servers", get("bootstrap.servers"));
    values.forEach((k, v) -> {
      if (!k.startsWith(KAFKA_PREFIX)) {
        return;
      }
      String rest = k.substring(KAFKA_PREFIX.length());
      int dot = rest.indexOf('.');
      String head = dot < 0 ? "" : rest.substring(0, dot);
      if (head.equals("producer") || head.equals("consumer") || head.equals("streams")) {
        if (head.equals(role)) {
          p.put(rest.substring(dot + 1), v);
        }
      } else {
        p.put(rest, v);
      }
    });
    return p;
  }
}
