package org.wsol.cli;

import java.util.concurrent.Callable;
import org.wsol.common.config.Defaults;
import org.wsol.common.config.LocalizationMode;
import org.wsol.common.config.Settings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "config",
    mixinStandardHelpOptions = true,
    description =
        "Prints every setting with its value here (defaults < file < WSOL_* environment < flags) and what it does.")
class ConfigCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;

  @Option(names = "--markdown", description = "print the defaults as the README's table")
  boolean markdown;

  @Override
  public Integer call() {
    if (markdown) {
      System.out.println("| setting | environment | default | what it does |");
      System.out.println("|---|---|---|---|");
      for (Defaults.Entry e : Defaults.ENTRIES) {
        System.out.printf(
            "| `%s` | `WSOL_%s` | `%s` | %s |%n",
            e.key(), e.key().toUpperCase().replace('.', '_'), e.value(), e.doc());
      }
      return 0;
    }
    // Show what the services will use: the mode's values in the settings it fills.
    Settings s = LocalizationMode.resolve(config.settings());
    s.redacted().forEach((k, v) -> System.out.println(k + "=" + v)); // secrets as [hidden]
    return 0;
  }
}
