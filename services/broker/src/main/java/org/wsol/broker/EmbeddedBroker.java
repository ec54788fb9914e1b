package org.wsol.broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.security.plain.PlainLoginModule;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.ServerSocketFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker in KRaft mode (combined broker + controller), in this JVM, on a
 * free loopback port, built from Maven Central artifacts: no Docker, no download. Used by the
 * tests, the demo and {@code ./wsol broker}.
 *
 * <p>With a data directory of the caller's it can be stopped and started again on the same data
 * (restart tests); otherwise it uses a temporary directory that it deletes on close.
 *
 * <p>Every listener binds to 127.0.0.1 only (the test kit alone would bind all interfaces): the
 * broker is for this machine. {@link #start(Security)} puts TLS, and optionally SASL/PLAIN, on the
 * client listener.
 */
public final class EmbeddedBroker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedBroker.class);
  private static final String CLUSTER_ID = "wsolStreamCluster0000A";

  private final Path dataDir;
  private final boolean ownsDataDir;
  private final Security security;
  private KafkaClusterTestKit cluster;

  /**
   * Where a broker on a kept data directory notes its client port, to bind it again when restarted
   * there.
   */
  private static final String PORT_FILE = "wsol-client-port";

  private int port = -1;

  private EmbeddedBroker(Path dataDir, boolean ownsDataDir, Security security) {
    this.dataDir = dataDir;
    this.ownsDataDir = ownsDataDir;
    this.security = security;
  }

  /**
   * Starts a broker (plaintext listener) in a fresh temporary directory, deleted on {@link
   * #close()}.
   */
  public static EmbeddedBroker start() {
    return start(null);
  }

  /**
   * Starts a broker whose client listener speaks TLS (SSL), or SASL/PLAIN over TLS (SASL_SSL) when
   * {@code security} has users, in a fresh temporary directory deleted on {@link #close()}. Clients
   * then need the {@code kafka.security.protocol}, {@code kafka.ssl.*} (and {@code kafka.sasl.*})
   * settings; a plaintext client cannot talk to it. The controller listener stays plaintext, on
   * loopback.
   *
   * @param security null for a plaintext listener
   */
  public static EmbeddedBroker start(Security security) {
    try {
      EmbeddedBroker b =
          new EmbeddedBroker(Files.createTempDirectory("wsol-kafka-"), true, security);
      b.startCluster(true);
      return b;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot create a temporary directory for the broker: " + e.getMessage(), e);
    }
  }

  /**
   * TLS on the broker's client listener: its key and certificate (the certificate must name {@code
   * localhost}, the host the broker advertises, as a subject alternative name), the certificates it
   * trusts (for client certificates, and for its own connections to itself, e.g. transaction
   * markers), whether clients must present a certificate, and SASL/PLAIN users (none: TLS only).
   */
  public record Security(
      Path keystore,
      String keystorePassword,
      Path truststore,
      String truststorePassword,
      boolean requireClientCertificate,
      Map<String, String> plainUsers) {

    /** TLS only; clients need not present a certificate. */
    public static Security tls(
        Path keystore, String keystorePassword, Path truststore, String truststorePassword) {
      return new Security(
          keystore, keystorePassword, truststore, truststorePassword, false, Map.of());
    }

    /** Clients must present a certificate that the truststore trusts (mutual TLS). */
    public Security requiringClientCertificate() {
      return new Security(
          keystore, keystorePassword, truststore, truststorePassword, true, plainUsers);
    }

    /** SASL/PLAIN over TLS with these users (name -> password). */
    public Security withSaslPlain(Map<String, String> users) {
      if (users.isEmpty()) {
        throw new IllegalArgumentException("SASL/PLAIN needs at least one user");
      }
      return new Security(
          keystore,
          keystorePassword,
          truststore,
          truststorePassword,
          requireClientCertificate,
          Map.copyOf(users));
    }

    /** SSL, or SASL_SSL with users: what clients set as {@code security.protocol}. */
    public SecurityProtocol protocol() {
      return plainUsers.isEmpty() ? SecurityProtocol.SSL : SecurityProtocol.SASL_SSL;
    }

    /**
     * The broker's settings for its client listener {@code listener} (the controller one stays
     * plaintext).
     */
    Map<String, String> brokerConfig(String listener, String controllerListener) {
      Map<String, String> c = new HashMap<>();
      c.put(
          "listener.security.protocol.map",
          listener + ":" + protocol().name + "," + controllerListener + ":PLAINTEXT");
      c.put("ssl.keystore.location", keystore.toString());
      c.put("ssl.keystore.type", storeType(keystore));
      c.put("ssl.keystore.password", keystorePassword);
      c.put("ssl.key.password", keystorePassword);
      c.put("ssl.truststore.location", truststore.toString());
      c.put("ssl.truststore.type", storeType(truststore));
      c.put("ssl.truststore.password", truststorePassword);
      // With the listener's prefix: Kafka applies a plain ssl.client.auth to SSL listeners, never
      // to SASL_SSL ones.
      c.put(
          "listener.name." + listener.toLowerCase(Locale.ROOT) + ".ssl.client.auth",
          requireClientCertificate ? "required" : "none");
      if (!plainUsers.isEmpty()) {
        // The broker logs in to itself (transaction markers) as a user of its own, with a password
        // nobody else has.
        String self = "wsol-broker";
        String selfPassword = UUID.randomUUID().toString();
        StringBuilder jaas =
            new StringBuilder(
                PlainLoginModule.class.getName()
                    + " required username=\""
                    + self
                    + "\" password=\""
                    + selfPassword
                    + "\" user_"
                    + self
                    + "=\""
                    + selfPassword
                    + "\"");
        plainUsers.forEach(
            (user, password) ->
                jaas.append(" user_").append(user).append("=\"").append(password).append('"'));
        jaas.append(';');
        c.put("sasl.enabled.mechanisms", "PLAIN");
        c.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
        c.put(
            "listener.name." + listener.toLowerCase(Locale.ROOT) + ".plain.sasl.jaas.config",
            jaas.toString());
      }
      return c;
    }

    private static String storeType(Path store) {
      return store.toString().toLowerCase(Locale.ROOT).endsWith(".jks") ? "JKS" : "PKCS12";
    }

    @Override
    public String toString() {
      return "Security["
          + protocol()
          + ", keystore="
          + keystore
          + ", truststore="
          + truststore
          + (requireClientCertificate ? ", client certificate required" : "")
          + ", users="
          + plainUsers.keySet()
          + "]";
    }
  }

  /**
   * Starts a broker on {@code dataDir}, formatting it when empty; the data stays after {@link
   * #stop()}. Started again on the same directory, it listens on the same port, so that running
   * clients reconnect.
   */
  public static EmbeddedBroker startOn(Path dataDir) {
    EmbeddedBroker b = new EmbeddedBroker(dataDir, false, null);
    boolean fresh = isEmpty(dataDir);
    if (!fresh) {
      b.port = readPort(dataDir.resolve(PORT_FILE));
    }
    b.startCluster(fresh);
    try {
      Files.writeString(dataDir.resolve(PORT_FILE), b.port + "\n");
    } catch (IOException e) {
      log.warn(
          "cannot note the broker port in {}: a restart there will take another port", dataDir);
    }
    return b;
  }

  private void startCluster(boolean format) {
    long t0 = System.nanoTime();
    try {
      TestKitNodes nodes =
          new TestKitNodes.Builder()
              .setClusterId(CLUSTER_ID)
              .setCombined(true)
              .setNumBrokerNodes(1)
              .setNumControllerNodes(1)
              .setBaseDirectory(dataDir)
              .build();
      KafkaClusterTestKit.Builder builder =
          new KafkaClusterTestKit.Builder(nodes)
              .setConfigProp("offsets.topic.replication.factor", "1")
              .setConfigProp("transaction.state.log.replication.factor", "1")
              .setConfigProp("transaction.state.log.min.isr", "1")
              .setConfigProp("group.initial.rebalance.delay.ms", "0")
              // The consumer protocol's (KIP-848) failure detection, as the classic clients'
              // settings
              // (kafka.consumer.session.timeout.ms, heartbeat.interval.ms); its defaults are 45 s /
              // 5 s.
              .setConfigProp("group.consumer.session.timeout.ms", "10000")
              .setConfigProp("group.consumer.min.session.timeout.ms", "6000")
              .setConfigProp("group.consumer.heartbeat.interval.ms", "3000")
              .setConfigProp("group.consumer.min.heartbeat.interval.ms", "1000")
              .setConfigProp("num.partitions", "6")
              .setConfigProp("auto.create.topics.enable", "false")
              .setConfigProp("message.max.bytes", "8388608")
              .setDeleteOnClose(false);
      if (security != null) {
        security
            .brokerConfig(
                nodes.brokerListenerName().value(), nodes.controllerListenerName().value())
            .forEach(builder::setConfigProp);
      }
      bindLoopback(builder, nodes);
      cluster = builder.build();
      if (format) {
        cluster.format();
      }
      cluster.startup();
      cluster.waitForReadyBrokers();
      port = Integer.parseInt(bootstrapServers().replaceAll(".*:", ""));
    } catch (Exception e) {
      throw new IllegalStateException(
          "the embedded Kafka broker failed to start: " + e.getMessage(), e);
    }
    log.info(
        "Kafka broker ready at {} ({}) in {} ms (data in {})",
        bootstrapServers(),
        security == null ? SecurityProtocol.PLAINTEXT : security.protocol(),
        (System.nanoTime() - t0) / 1_000_000,
        dataDir);
  }

  /**
   * The test kit binds every listener to a fresh ephemeral port on all interfaces (port 0 on the
   * wildcard address, bound before the broker starts, whatever {@code listeners} says), and has no
   * option for either. Hand its socket manager sockets of ours, bound as it binds its own but on
   * 127.0.0.1, under the listeners' names: the broker listens on loopback only, and after a restart
   * on a kept data directory on the same client port (clients keep the address they were given, and
   * would never reconnect to another port).
   */
  @SuppressWarnings("unchecked")
  private void bindLoopback(KafkaClusterTestKit.Builder builder, TestKitNodes nodes)
      throws Exception {
    Field managerField = KafkaClusterTestKit.Builder.class.getDeclaredField("socketFactoryManager");
    managerField.setAccessible(true);
    Object manager = managerField.get(builder);
    Field socketsField = manager.getClass().getDeclaredField("sockets");
    socketsField.setAccessible(true);
    Map<Integer, Map<String, ServerSocketChannel>> sockets =
        (Map<Integer, Map<String, ServerSocketChannel>>) socketsField.get(manager);
    InetAddress loopback = InetAddress.getLoopbackAddress();
    for (int id : nodes.controllerNodes().keySet()) {
      String listener = nodes.controllerListenerName().value();
      ServerSocketChannel channel =
          ServerSocketFactory.INSTANCE.openServerSocket(
              listener, new InetSocketAddress(loopback, 0), -1, -1);
      synchronized (manager) {
        sockets.computeIfAbsent(id, k -> new HashMap<>()).put(listener, channel);
      }
    }
    String listener = nodes.brokerListenerName().value();
    int brokerId = nodes.brokerNodes().firstKey();
    ServerSocketChannel channel = null;
    long deadline = System.currentTimeMillis() + 10_000;
    while (channel == null) {
      try {
        channel =
            ServerSocketFactory.INSTANCE.openServerSocket(
                listener, new InetSocketAddress(loopback, Math.max(port, 0)), -1, -1);
      } catch (IOException e) {
        if (System.currentTimeMillis() > deadline) {
          throw new IllegalStateException(
              "cannot restart the broker on its port "
                  + port
                  + " ("
                  + e.getMessage()
                  + "): another process took it; clients connected before the restart will not reconnect",
              e);
        }
        Thread.sleep(200);
      }
    }
    synchronized (manager) {
      sockets.computeIfAbsent(brokerId, k -> new HashMap<>()).put(listener, channel);
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
