package org.wsol.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** Every command's help, as ./wsol --help and ./wsol CMD --help show it. */
class HelpTest {
  /** The commands that connect to a broker of the user's: only they offer --bootstrap-servers. */
  static final Set<String> BROKER_CLIENTS =
      Set.of(
          "wsol saliency",
          "wsol segmenter",
          "wsol results",
          "wsol config",
          "wsol produce",
          "wsol subscribe",
          "wsol dead-letters");

  static List<CommandLine> all(CommandLine c) {
    List<CommandLine> out = new ArrayList<>(List.of(c));
    c.getSubcommands().values().forEach(sub -> out.addAll(all(sub)));
    return out;
  }

  @Test
  void everySummaryIsAWholeSentence() {
    List<CommandLine> commands = all(new CommandLine(new Main()));
    assertTrue(commands.size() > 15, "walked " + commands.size() + " commands");
    for (CommandLine c : commands) {
      // ./wsol --help (and bench --help) shows only this first line: of the header when there is
      // one (picocli's
      // own help command), else of the description.
      String[] header = c.getCommandSpec().usageMessage().header();
      String[] description =
          header.length > 0 ? header : c.getCommandSpec().usageMessage().description();
      String name = c.getCommandSpec().qualifiedName();
      assertTrue(description.length > 0, name + " has no description");
      String summary = description[0].strip();
      assertTrue(
          summary.endsWith("."), name + ": the summary stops mid-sentence: '" + summary + "'");
      assertTrue(Character.isUpperCase(summary.charAt(0)), name + ": '" + summary + "'");
      assertTrue(summary.length() <= 110, name + ": a summary is one line: '" + summary + "'");
    }
  }

  @Test
  void onlyTheCommandsThatTalkToYourBrokerOfferBootstrapServers() {
    List<String> offering = new ArrayList<>();
    for (CommandLine c : all(new CommandLine(new Main()))) {
      CommandSpec spec = c.getCommandSpec();
      if (spec.findOption("--bootstrap-servers") != null) {
        offering.add(spec.qualifiedName());
      }
    }
    assertEquals(
        BROKER_CLIENTS,
        Set.copyOf(offering),
        "visualize, demo, eval, broker, chaos and the benches start " + "their own broker or none");
  }

  /** A stray '%' in a description makes picocli print a warning above the help and show it raw. */
  @Test
  void everyHelpRendersWithoutFormatWarnings() {
    java.io.PrintStream stderr = System.err;
    java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
    List<String> rendered = new ArrayList<>();
    try {
      System.setErr(
          new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
      for (CommandLine c : all(new CommandLine(new Main()))) {
        rendered.add(c.getUsageMessage());
      }
    } finally {
      System.setErr(stderr);
    }
    String warnings = captured.toString(java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(rendered.size() > 15, "rendered " + rendered.size() + " helps");
    assertTrue(!warnings.contains("picocli WARN"), warnings);
    for (String help : rendered) assertTrue(!help.contains("%n"), "a raw format string: " + help);
  }

  @Test
  void visualizeHelpOffersNoBrokerAddress() {
    String help = new CommandLine(new Main()).getSubcommands().get("visualize").getUsageMessage();
    assertTrue(!help.contains("--bootstrap-servers") && help.contains("--class"), help);
  }
}
