package org.wsol.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import sun.misc.Signal;

/**
 * Runs a service until Ctrl-C or SIGTERM, then closes it cleanly (offsets committed) and exits 0.
 * The signals are handled here rather than in a shutdown hook, so that a deliberate stop ends with
 * status 0 and the word "stopped", and only a service that stops on its own (a fatal error) says so
 * and exits 1.
 */
final class ForegroundService {
  private ForegroundService() {}

  static int runUntilStopped(AutoCloseable service, String what) throws InterruptedException {
    return runUntilStopped(service, () -> true, what);
  }

  /**
   * @param running false once the service's worker has stopped by itself (a fatal error): the
   *     process then exits with status 1, so that whatever supervises it (compose, Kubernetes)
   *     starts a fresh one
   */
  static int runUntilStopped(AutoCloseable service, BooleanSupplier running, String what)
      throws InterruptedException {
    CountDownLatch asked = new CountDownLatch(1);
    sun.misc.SignalHandler stop =
        sig -> {
          if (asked.getCount() == 0) { // asked twice: the person wants out now
            System.err.println(what + ": stopping at once, without a clean close");
            Runtime.getRuntime().halt(130);
          }
          asked.countDown();
        };
    Signal.handle(new Signal("TERM"), stop);
    Signal.handle(new Signal("INT"), stop);
    System.err.println(what + " running; stop with Ctrl-C.");
    while (!asked.await(1, TimeUnit.SECONDS)) {
      if (!running.getAsBoolean()) {
        System.err.println(
            what + " stopped by itself (see the log above); exiting so that it can be restarted.");
        close(service, what);
        return 1;
      }
    }
    System.err.println("stopping " + what + "...");
    close(service, what);
    System.err.println(what + " stopped.");
    return 0;
  }

  private static void close(AutoCloseable service, String what) {
    try {
      service.close();
    } catch (Exception e) {
      System.err.println("while stopping " + what + ": " + e);
    }
  }
}
