package org.wsol.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.wsol.common.config.SettingKeys;
import org.wsol.common.config.Settings;
import picocli.CommandLine.Option;

/**
 * The settings of a command that connects to a broker: {@link SettingsOptions} and
 * --bootstrap-servers.
 */
public class ConfigOptions extends SettingsOptions {
  /**
   * Written by {@code wsol broker} so that other commands on this machine find it without flags.
   */
  public static final Path BOOTSTRAP_FILE = Path.of(".wsol", "bootstrap");

  @Option(
      names = {"-b", "--bootstrap-servers"},
      paramLabel = "HOST:PORT",
      description =
          "Kafka brokers (default: the address ./wsol broker wrote to .wsol/bootstrap, else 127.0.0.1:9092)")
  String bootstrap;

  /**
   * Where the broker address of {@link #settings()} came from, in the words a person would look
   * for.
   */
  private String source = "the default";

  /**
   * Where {@code bootstrap.servers} came from: a flag, the environment, a file, .wsol/bootstrap or
   * the default.
   */
  public String bootstrapSource() {
    return source;
  }

  /**
   * The settings, after checking that a broker answers at their address (see {@link BrokerCheck}).
   * For the commands that are Kafka clients: their client's own retry warnings go to {@code
   * .wsol/<command>.log}.
   */
  public Settings clientSettings(String command) {
    if (System.getProperty("org.slf4j.simpleLogger.logFile") == null) {
      try {
        Files.createDirectories(BOOTSTRAP_FILE.getParent());
        System.setProperty(
            "org.slf4j.simpleLogger.logFile",
            BOOTSTRAP_FILE.resolveSibling(command + ".log").toString());
      } catch (IOException e) {
        // no folder for the log: it stays on the terminal
      }
    }
    return checkedSettings();
  }

  /** The settings, after checking that a broker answers at their address (the services' start). */
  public Settings checkedSettings() {
    Settings s = settings();
    BrokerCheck.reachable(s, "from " + source);
    return s;
  }

  @Override
  public Settings settings() {
    Map<String, String> flags = new LinkedHashMap<>(sets);
    if (bootstrap != null) {
      flags.put(SettingKeys.BOOTSTRAP_SERVERS, bootstrap);
    }
    Settings s = Settings.load(config, System.getenv(), flags);
    boolean explicit =
        flags.containsKey(SettingKeys.BOOTSTRAP_SERVERS)
            || System.getenv("WSOL_BOOTSTRAP_SERVERS") != null
            || (config != null
                    || Files.isRegularFile(Path.of("wsol.properties"))
                    || System.getenv("WSOL_CONFIG") != null)
                && !s.get(SettingKeys.BOOTSTRAP_SERVERS)
                    .equals(
                        org.wsol.common.config.Defaults.VALUES.get(SettingKeys.BOOTSTRAP_SERVERS));
    String from =
        "the default; --bootstrap-servers, WSOL_BOOTSTRAP_SERVERS or .wsol/bootstrap set another";
    if (bootstrap != null) {
      from = "--bootstrap-servers";
    } else if (flags.containsKey(SettingKeys.BOOTSTRAP_SERVERS)) {
      from = "--set bootstrap.servers";
    } else if (System.getenv("WSOL_BOOTSTRAP_SERVERS") != null) {
      from = "WSOL_BOOTSTRAP_SERVERS";
    } else if (explicit) {
      from = "the properties file";
    }
    if (!explicit && Files.isRegularFile(BOOTSTRAP_FILE)) {
      try {
        s = s.with(SettingKeys.BOOTSTRAP_SERVERS, Files.readString(BOOTSTRAP_FILE).trim());
        from = BOOTSTRAP_FILE + ", written by ./wsol broker";
      } catch (IOException ignored) {
        // fall back to the default address
      }
    }
    source = from;
    return s;
  }
}
