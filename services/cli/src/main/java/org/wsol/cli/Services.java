package org.wsol.cli;

import java.util.concurrent.CountDownLatch;

/** Runs a service until Ctrl-C (SIGTERM), closing it cleanly so that its offsets are committed. */
final class Services {
  private Services() {}

  static int runUntilStopped(AutoCloseable service, String what) throws InterruptedException {
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
    done.await();
    return 0;
  }
}
