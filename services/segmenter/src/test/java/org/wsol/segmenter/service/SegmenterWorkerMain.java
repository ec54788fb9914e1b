package org.wsol.segmenter.service;

import java.util.Map;
import org.wsol.common.config.Settings;

/**
 * A segmenter service in its own JVM, for {@link SegmenterTwoWorkersIT}: args are the bootstrap
 * servers; prints READY once started and stops when its standard input closes (the test's end).
 */
public final class SegmenterWorkerMain {
  public static void main(String[] args) throws Exception {
    Settings s =
        Settings.load(
            null, Map.of(), Map.of("bootstrap.servers", args[0], "topic.partitions", args[1]));
    try (SegmenterService service = new SegmenterService(s).start()) {
      System.out.println("READY " + service.runner().worker());
      System.out.flush();
      while (System.in.read() >= 0) {
        // wait for EOF
      }
    }
    System.exit(0);
  }
}
