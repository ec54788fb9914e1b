package org.wsol.common.broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker in KRaft mode (combined broker + controller), in this JVM, on a free
 * loopback port, built from Maven Central artifacts: no Docker, no download. Used by the tests, the demo
 * and {@code ./wsol broker}.
 *
 * <p>With a data directory of the caller's it can be stopped and started again on the same data (restart
 * tests); otherwise it uses a temporary directory that it deletes on close.
 */
public final class EmbeddedBroker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedBroker.class);
  private static final String CLUSTER_ID = "wsolStreamCluster0000A";

  private final Path dataDir;
  private final boolean ownsDataDir;
  private KafkaClusterTestKit cluster;

  private EmbeddedBroker(Path dataDir, boolean ownsDataDir) {
    this.dataDir = dataDir;
    this.ownsDataDir = ownsDataDir;
  }

  /** Starts a broker in a fresh temporary directory, deleted on {@link #close()}. */
  public static EmbeddedBroker start() {
    try {
      EmbeddedBroker b = new EmbeddedBroker(Files.createTempDirectory("wsol-kafka-"), true);
      b.startCluster(true);
      return b;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary directory for the broker: " + e.getMessage(), e);
    }
  }

  /** Starts a broker on {@code dataDir}, formatting it when empty; the data stays after {@link #stop()}. */
  public static EmbeddedBroker startOn(Path dataDir) {
    EmbeddedBroker b = new EmbeddedBroker(dataDir, false);
    b.startCluster(isEmpty(dataDir));
    return b;
  }

  private void startCluster(boolean format) {
    long t0 = System.nanoTime();
    try {
      TestKitNodes nodes = new TestKitNodes.Builder()
          .setClusterId(CLUSTER_ID)
          .setCombined(true)
          .setNumBrokerNodes(1)
          .setNumControllerNodes(1)
          .setBaseDirectory(dataDir)
          .build();
      cluster = new KafkaClusterTestKit.Builder(nodes)
          .setConfigProp("offsets.topic.replication.factor", "1")
          .setConfigProp("transaction.state.log.replication.factor", "1")
          .setConfigProp("transaction.state.log.min.isr", "1")
          .setConfigProp("group.initial.rebalance.delay.ms", "0")
          .setConfigProp("num.partitions", "6")
          .setConfigProp("auto.create.topics.enable", "false")
          .setConfigProp("message.max.bytes", "8388608")
          .setDeleteOnClose(false)
          .build();
      if (format) {
        cluster.format();
      }
      cluster.startup();
      cluster.waitForReadyBrokers();
    } catch (Exception e) {
      throw new IllegalStateException("the embedded Kafka broker failed to start: " + e.getMessage(), e);
    }
    log.info("Kafka broker ready at {} in {} ms (data in {})", bootstrapServers(),
        (System.nanoTime() - t0) / 1_000_000, dataDir);
  }

  public String bootstrapServers() {
    return cluster.bootstrapServers();
  }

  public Path dataDir() {
    return dataDir;
  }

  /** Stops the broker, keeping its data directory. */
  public synchronized void stop() {
    if (cluster != null) {
      try {
        cluster.close();
      } catch (Exception e) {
        log.warn("broker shutdown: {}", e.toString());
      }
      cluster = null;
    }
  }

  @Override
  public synchronized void close() {
    stop();
    if (ownsDataDir) {
      deleteTree(dataDir);
    }
  }

  private static boolean isEmpty(Path dir) {
    if (!Files.isDirectory(dir)) {
      return true;
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.findAny().isEmpty();
    } catch (IOException e) {
      return true;
    }
  }

  static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> s = Files.walk(root)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      log.warn("could not delete {}: {}", root, e.toString());
    }
  }
}
