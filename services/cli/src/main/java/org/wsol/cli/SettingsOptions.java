package org.wsol.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.wsol.common.config.Settings;
import picocli.CommandLine.Option;

/**
 * --config and --set: where a command's settings come from. Commands that connect to a broker of
 * the user's take {@link ConfigOptions}, which adds --bootstrap-servers; the others (visualize,
 * broker, chaos, the benches) offer only these.
 */
public class SettingsOptions {
  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "properties file (default: $WSOL_CONFIG, else ./wsol.properties when present)")
  public Path config;

  @Option(
      names = {"-s", "--set"},
      paramLabel = "KEY=VALUE",
      description =
          "any setting, e.g. --set segmenter.iterations=2 or --set kafka.security.protocol=SSL (see the README's configuration table)")
  public Map<String, String> sets = new LinkedHashMap<>();

  public Settings settings() {
    return Settings.load(config, System.getenv(), new LinkedHashMap<>(sets));
  }
}
