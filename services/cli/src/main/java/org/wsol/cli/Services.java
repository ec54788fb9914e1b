package org.wsol.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Runs a service until Ctrl-C (SIGTERM), closing it cleanly so that its offsets are committed. */
final class Services {
  private Services() {}

  static int runUntilStopped(AutoCloseable service, String what) throws InterruptedException {
    return runUntilStopped(service, () -> true, what);
  }

  /**
   * @param running false once the service's worker has stopped by itself (a fatal error): the process then
   *     exits with status 1, so that whatever supervises it (compose, Kubernetes) starts a fresh one
   */
  static int runUntilStopped(AutoCloseable service, BooleanSupplier running, String what) throws InterruptedException {
    CountDownLatch done = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      System.err.println("stopping " + what + "...");
      try {
        service.close();
      } catch (Exception e) {
        System.err.println("while stopping " + what + ": " + e);
      }
      done.countDown();
    }));
    System.err.println(what + " running; stop with Ctrl-C.");
    while (!done.await(1, TimeUnit.SECONDS)) {
      if (!running.getAsBoolean()) {
        System.err.println(what + " stopped by itself (see the log above); exiting so that it can be restarted.");
        return 1;
      }
    }
    return 0;
  }
}
