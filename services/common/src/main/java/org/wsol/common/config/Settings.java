package org.wsol.common.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;

/**
 * Layered configuration: built-in defaults &lt; properties file &lt; environment &lt; command-line
 * flags.
 *
 * <p>Environment variables {@code WSOL_FOO_BAR} set {@code foo.bar}. Any key under {@code kafka.}
 * is passed to every Kafka client as it is (minus the prefix), so TLS and SASL settings need no
 * code: {@code kafka.security.protocol=SASL_SSL} or {@code WSOL_KAFKA_SECURITY_PROTOCOL=SASL_SSL}.
 * {@code kafka.producer.*}, {@code kafka.consumer.*} and {@code kafka.streams.*} reach only that
 * kind of client.
 *
 * <p>Secret values (passwords, private keys, JAAS configurations, credentials: see {@link
 * #isSecret}) are never shown: {@link #redacted()}, {@link #toString()} and error messages print
 * {@value #HIDDEN} in their place, as Kafka's own configuration logging does.
 */
public final class Settings {
  public static final String KAFKA_PREFIX = "kafka.";

  /** What is shown instead of a secret value (Kafka's own word for its PASSWORD settings). */
  public static final String HIDDEN = "[hidden]";

  /**
   * Key endings that mark a secret, beyond Kafka's PASSWORD settings: any password or passphrase,
   * secrets, private keys ({@code ssl.keystore.key}), JAAS configurations (they hold passwords), a
   * registry's {@code basic.auth.user.info}, credentials and tokens.
   */
  private static final Pattern SECRET_KEY =
      Pattern.compile(
          "(?i).*(password|passwd|passphrase|secret|jaas\\.config|user\\.info|credentials?|token|api\\.key|private\\.key|"
              + "(^|\\.)key|certificate\\.chain|certificates)$");

  /** {@code scheme://user:password@host...}: the user information of a URL, e.g. a registry's. */
  private static final Pattern URL_USER_INFO =
      Pattern.compile("(?i)^([a-z][a-z0-9+.-]*://)[^/@\\s]+@");

  private final Map<String, String> values;

  private Settings(Map<String, String> values) {
    this.values = Collections.unmodifiableMap(new TreeMap<>(values));
  }

  public static Settings of(Map<String, String> values) {
    return new Settings(values);
  }

  /**
   * @param file a properties file, or null for {@code $WSOL_CONFIG}, else {@code ./wsol.properties}
   *     when present
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
        throw new IllegalArgumentException(
            "config file " + source + " not found: pass an existing file to --config");
      }
      Properties p = new Properties();
      try (Reader r = Files.newBufferedReader(source)) {
        p.load(r);
      } catch (IOException e) {
        throw new IllegalArgumentException(
            "cannot read config file " + source + ": " + e.getMessage(), e);
      }
      p.stringPropertyNames().forEach(k -> merged.put(k, p.getProperty(k).trim()));
    }
    env.forEach(
        (k, v) -> {
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
      throw new IllegalArgumentException(
          "setting '"
              + key
              + "' is required: set it in wsol.properties, as WSOL_"
              + key.toUpperCase().replace('.', '_')
              + ", or with --set "
              + key
              + "=...");
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
      throw new IllegalArgumentException(
          "setting '" + key + "' must be an integer, got '" + shown(key, v) + "'");
    }
  }

  public long getLong(String key) {
    String v = get(key);
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "setting '" + key + "' must be an integer, got '" + shown(key, v) + "'");
    }
  }

  public double getDouble(String key) {
    String v = get(key);
    try {
      return Double.parseDouble(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "setting '" + key + "' must be a number, got '" + shown(key, v) + "'");
    }
  }

  public boolean getBoolean(String key) {
    String v = get(key).trim().toLowerCase();
    if (!v.equals("true") && !v.equals("false")) {
      throw new IllegalArgumentException(
          "setting '" + key + "' must be true or false, got '" + shown(key, v) + "'");
    }
    return v.equals("true");
  }

  /**
   * Every value as it is, secrets included: for code that passes them on, never for printing (see
   * {@link #redacted()}).
   */
  public Map<String, String> asMap() {
    return values;
  }

  /**
   * Every value as it may be shown: secrets as {@value #HIDDEN}, the user information of URLs too.
   */
  public Map<String, String> redacted() {
    Map<String, String> m = new TreeMap<>();
    values.forEach((k, v) -> m.put(k, shown(k, v)));
    return Collections.unmodifiableMap(m);
  }

  /**
   * Whether {@code key}'s value is a secret: a PASSWORD setting of Kafka's producer, consumer or
   * admin client (under {@code kafka.}, {@code kafka.producer.} ...; also {@code listener.name.*}
   * forms), or a key that ends like one (password, passphrase, secret, key, jaas.config, user.info,
   * credentials, token, certificates).
   */
  public static boolean isSecret(String key) {
    return SECRET_KEY.matcher(key).matches()
        || KafkaPasswords.NAMES.stream()
            .anyMatch(name -> key.equals(name) || key.endsWith("." + name));
  }

  /**
   * {@code value} as it may be printed for {@code key}: {@value #HIDDEN} for secrets, URLs without
   * user information.
   */
  public static String shown(String key, String value) {
    if (value == null) {
      return null;
    }
    if (isSecret(key)) {
      return HIDDEN;
    }
    return URL_USER_INFO.matcher(value).replaceFirst("$1" + Matcher.quoteReplacement(HIDDEN) + "@");
  }

  @Override
  public String toString() {
    return "Settings" + redacted();
  }

  /**
   * The names of Kafka's PASSWORD client settings (Kafka masks them in its own logs), read once
   * when first needed.
   */
  private static final class KafkaPasswords {
    static final Set<String> NAMES = new TreeSet<>();

    static {
      for (ConfigDef def :
          List.of(
              ProducerConfig.configDef(),
              ConsumerConfig.configDef(),
              AdminClientConfig.configDef())) {
        def.configKeys().values().stream()
            .filter(k -> k.type == ConfigDef.Type.PASSWORD)
            .forEach(k -> NAMES.add(k.name));
      }
    }
  }

  /**
   * Properties for every Kafka client: bootstrap servers and each {@code kafka.*} key, prefix
   * removed.
   */
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
    p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, get(SettingKeys.BOOTSTRAP_SERVERS));
    values.forEach(
        (k, v) -> {
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
