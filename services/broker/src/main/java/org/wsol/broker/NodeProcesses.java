package org.wsol.broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The Java processes of a {@link BrokerCluster}'s nodes: started on this JVM's class path with
 * their output appended to a log, waited for with a bound, and killed when this JVM exits.
 */
final class NodeProcesses {
  private NodeProcesses() {}

  static Process java(List<String> mainAndArgs, Path log, String heap) {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                heap,
                "-cp",
                System.getProperty("java.class.path")));
    cmd.addAll(mainAndArgs);
    try {
      Process p =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
      LIVE.add(p);
      p.onExit().thenRun(() -> LIVE.remove(p));
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot start " + mainAndArgs.get(0) + ": " + e.getMessage(), e);
    }
  }

  /**
   * Nodes still running when this JVM exits (Ctrl-C, a failed test) are killed with it, never
   * orphaned.
   */
  private static final java.util.Set<Process> LIVE =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(() -> LIVE.forEach(Process::destroyForcibly), "kill-kafka-nodes"));
  }

  static void await(Process p, String what) {
    waitFor(p, what);
    if (p.exitValue() != 0) {
      throw new IllegalStateException(what + " failed with status " + p.exitValue());
    }
  }

  static void waitFor(Process p, String what) {
    try {
      if (!p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(what + ": still running after 120 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + what, e);
    }
  }
}
