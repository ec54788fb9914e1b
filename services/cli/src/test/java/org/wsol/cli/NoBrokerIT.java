package org.wsol.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wsol.cli.chaos.ServiceProcess;

/**
 * The client commands against a port where no broker listens, each in a JVM of its own as a person
 * would run it: within 15 s, a few lines that name the address, where it came from and how to start
 * a broker; no stack trace and no wall of Kafka client warnings.
 */
class NoBrokerIT {
  @TempDir Path dir;

  @Test
  void clientsWithoutABrokerSayWhatToDoWithin15Seconds() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort(); // closed again: nothing listens there
    }
    String address = "127.0.0.1:" + port;
    // produce alone, timed as a person would time it; then the other two side by side (2 cores: not
    // timed as tightly)
    check(
        List.of(
            List.of(
                "produce", "-b", address, PipelineFixture.PHOTOS.resolve("owl.jpg").toString())),
        address,
        15);
    check(
        List.of(List.of("subscribe", "-b", address), List.of("dead-letters", "-b", address)),
        address,
        25);
  }

  void check(List<List<String>> commands, String address, int seconds) throws Exception {
    long t0 = System.nanoTime();
    List<ServiceProcess> runs = new ArrayList<>();
    for (List<String> c : commands) {
      runs.add(
          // The check's own default (6 s), as a person gets it, not the longer wait of a service
          // started on a
          // broker that was up.
          ServiceProcess.start(
              c.get(0),
              List.of("-Xmx256m", "-Dwsol.broker.check.seconds=6"),
              c,
              dir.resolve(c.get(0) + ".log")));
    }
    try {
      for (ServiceProcess p : runs) {
        int code = p.waitFor(Duration.ofSeconds(60));
        double took = (System.nanoTime() - t0) / 1e9;
        String out = p.output();
        assertEquals(2, code, p.name() + " exit status; it printed:\n" + out);
        assertTrue(took < seconds, p.name() + " took " + took + " s to give up");
        assertTrue(
            out.contains("no Kafka broker answered at " + address + " (from --bootstrap-servers)"),
            out);
        assertTrue(out.contains("./wsol broker"), "how to start one: " + out);
        List<String> lines = out.lines().filter(l -> !l.isBlank()).toList();
        assertTrue(lines.size() <= 2, p.name() + " printed " + lines.size() + " lines:\n" + out);
        assertFalse(
            out.contains("NetworkClient") || out.contains("\tat "),
            "no client warnings or stack trace: " + out);
      }
    } finally {
      for (ServiceProcess p : runs) {
        p.close();
      }
    }
  }
}
