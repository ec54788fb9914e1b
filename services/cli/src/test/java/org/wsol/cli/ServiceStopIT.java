package org.wsol.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wsol.broker.EmbeddedBroker;
import org.wsol.cli.chaos.ServiceProcess;

/**
 * A service stopped on purpose (SIGTERM, as Ctrl-C or a supervisor does) says "stopped" and exits
 * 0.
 */
class ServiceStopIT {
  @TempDir Path dir;

  @Test
  void sigtermStopsTheResultsServiceWithStatusZero() throws Exception {
    try (EmbeddedBroker broker = EmbeddedBroker.start()) {
      ServiceProcess results =
          ServiceProcess.start(
              "results",
              List.of("-Xmx256m"),
              List.of(
                  "results",
                  "-b",
                  broker.bootstrapServers(),
                  "--set",
                  "results.http.port=0",
                  "--set",
                  "topic.partitions=1"),
              dir.resolve("results.log"));
      try {
        results.awaitOutput("results service running; stop with Ctrl-C.", Duration.ofSeconds(60));
        results.terminate();
        int code = results.waitFor(Duration.ofSeconds(60));
        String out = results.output();
        assertEquals(0, code, "exit status after SIGTERM; it printed:\n" + results.tail());
        assertTrue(out.contains("results service stopped."), results.tail());
        assertFalse(
            out.contains("stopped by itself"),
            "a deliberate stop is no failure:\n" + results.tail());
      } finally {
        results.close();
      }
    }
  }
}
