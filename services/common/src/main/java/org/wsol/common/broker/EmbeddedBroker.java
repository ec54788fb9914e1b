package org.wsol.common.broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.ServerSocketFactory;
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
  /** Where a broker on a kept data directory notes its client port, to bind it again when restarted there. */
  private static final String PORT_FILE = "wsol-client-port";
  private int port = -1;

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

  /**
   * Starts a broker on {@code dataDir}, formatting it when empty; the data stays after {@link #stop()}. Started
   * again on the same directory, it listens on the same port, so that running clients reconnect.
   */
  public static EmbeddedBroker startOn(Path dataDir) {
    EmbeddedBroker b = new EmbeddedBroker(dataDir, false);
    boolean fresh = isEmpty(dataDir);
    if (!fresh) {
      b.port = readPort(dataDir.resolve(PORT_FILE));
    }
    b.startCluster(fresh);
    try {
      Files.writeString(dataDir.resolve(PORT_FILE), b.port + "\n");
    } catch (IOException e) {
      log.warn("cannot note the broker port in {}: a restart there will take another port", dataDir);
    }
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
      KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes)
          .setConfigProp("offsets.topic.replication.factor", "1")
          .setConfigProp("transaction.state.log.replication.factor", "1")
          .setConfigProp("transaction.state.log.min.isr", "1")
          .setConfigProp("group.initial.rebalance.delay.ms", "0")
          .setConfigProp("num.partitions", "6")
          .setConfigProp("auto.create.topics.enable", "false")
          .setConfigProp("message.max.bytes", "8388608")
          .setDeleteOnClose(false);
      if (port > 0) {
        bindSamePort(builder, nodes);
      }
      cluster = builder.build();
      if (format) {
        cluster.format();
      }
      cluster.startup();
      cluster.waitForReadyBrokers();
      port = Integer.parseInt(bootstrapServers().replaceAll(".*:", ""));
    } catch (Exception e) {
      throw new IllegalStateException("the embedded Kafka broker failed to start: " + e.getMessage(), e);
    }
    log.info("Kafka broker ready at {} in {} ms (data in {})", bootstrapServers(),
        (System.nanoTime() - t0) / 1_000_000, dataDir);
  }

  /**
   * The test kit binds every listener to a fresh ephemeral port (port 0, bound before the broker starts,
   * whatever {@code listeners} says). Clients keep the address they were given, so after a restart on another
   * port they would never reconnect. The kit has no option for it: hand its socket manager the old port, bound
   * as it binds its own sockets, under the broker listener's name.
   */
  @SuppressWarnings("unchecked")
  private void bindSamePort(KafkaClusterTestKit.Builder builder, TestKitNodes nodes) throws Exception {
    Field managerField = KafkaClusterTestKit.Builder.class.getDeclaredField("socketFactoryManager");
    managerField.setAccessible(true);
    Object manager = managerField.get(builder);
    Field socketsField = manager.getClass().getDeclaredField("sockets");
    socketsField.setAccessible(true);
    Map<Integer, Map<String, ServerSocketChannel>> sockets =
        (Map<Integer, Map<String, ServerSocketChannel>>) socketsField.get(manager);
    String listener = nodes.brokerListenerName().value();
    ServerSocketChannel channel = null;
    long deadline = System.currentTimeMillis() + 10_000;
    while (channel == null) {
      try {
        channel = ServerSocketFactory.INSTANCE.openServerSocket(listener, new InetSocketAddress(port), -1, -1);
      } catch (IOException e) {
        if (System.currentTimeMillis() > deadline) {
          throw new IllegalStateException("cannot restart the broker on its port " + port + " (" + e.getMessage()
              + "): another process took it; clients connected before the restart will not reconnect", e);
        }
        Thread.sleep(200);
      }
    }
    synchronized (manager) {
      sockets.computeIfAbsent(nodes.brokerNodes().firstKey(), k -> new HashMap<>()).put(listener, channel);
    }
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

  private static int readPort(Path file) {
    try {
      return Files.isRegularFile(file) ? Integer.parseInt(Files.readString(file).trim()) : -1;
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }

  /** The client port (the same across restarts on one data directory). */
  public int port() {
    return port;
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
