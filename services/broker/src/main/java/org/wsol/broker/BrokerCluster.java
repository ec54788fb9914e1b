package org.wsol.broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A replicated Kafka cluster on this machine: N nodes, each a broker and a KRaft controller in a
 * process of its own (so that one can be killed with SIGKILL like a crashed machine, and started
 * again on its data), listening on loopback. Topics get replication factor min(3, N) and
 * min.insync.replicas min(2, N), the internal topics too: with producers on acks=all, a write
 * acknowledged while two replicas are in sync survives the loss of any one node.
 *
 * <p>Used by {@code ./wsol broker --brokers 3}, the chaos command and the failover tests; the
 * single in-JVM {@link EmbeddedBroker} stays the demo's default. The processes run {@code
 * kafka.Kafka} from this JVM's class path.
 */
public final class BrokerCluster implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BrokerCluster.class);
  private static final String CLUSTER_ID = "wsolStreamCluster0000A";

  /**
   * One node: its id, client and controller ports, folder (data, server.properties, server.log).
   */
  public record Node(int id, int port, int controllerPort, Path dir) {
    Path config() {
      return dir.resolve("server.properties");
    }

    Path log() {
      return dir.resolve("server.log");
    }

    public String address() {
      return "127.0.0.1:" + port;
    }
  }

  private final Path baseDir;
  private final boolean ownsBaseDir;
  private final Map<Integer, Node> nodes = new LinkedHashMap<>();
  private final Map<Integer, Process> processes = new HashMap<>();

  private BrokerCluster(Path baseDir, boolean ownsBaseDir) {
    this.baseDir = baseDir;
    this.ownsBaseDir = ownsBaseDir;
  }

  /**
   * Starts {@code size} nodes in a temporary folder (deleted on {@link #close()}) and waits until
   * all serve.
   */
  public static BrokerCluster start(int size) {
    if (size < 1) {
      throw new IllegalArgumentException("a cluster needs at least 1 broker, got " + size);
    }
    try {
      BrokerCluster c = new BrokerCluster(Files.createTempDirectory("wsol-kafka-cluster-"), true);
      try {
        c.create(size);
      } catch (RuntimeException e) {
        c.close();
        throw e;
      }
      return c;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot create a folder for the cluster: " + e.getMessage(), e);
    }
  }

  private void create(int size) throws IOException {
    long t0 = System.nanoTime();
    List<Integer> ports = freePorts(2 * size);
    for (int i = 1; i <= size; i++) {
      Node n =
          new Node(
              i, ports.get(2 * (i - 1)), ports.get(2 * (i - 1) + 1), baseDir.resolve("node-" + i));
      Files.createDirectories(n.dir());
      nodes.put(i, n);
    }
    String voters =
        nodes.values().stream()
            .map(n -> n.id() + "@127.0.0.1:" + n.controllerPort())
            .collect(Collectors.joining(","));
    int replicas = Math.min(3, size);
    int minIsr = Math.min(2, size);
    for (Node n : nodes.values()) {
      Files.writeString(
          n.config(),
          String.join(
                  "\n",
                  "process.roles=broker,controller",
                  "node.id=" + n.id(),
                  "controller.quorum.voters=" + voters,
                  "listeners=PLAINTEXT://127.0.0.1:"
                      + n.port()
                      + ",CONTROLLER://127.0.0.1:"
                      + n.controllerPort(),
                  "advertised.listeners=PLAINTEXT://127.0.0.1:" + n.port(),
                  "controller.listener.names=CONTROLLER",
                  "inter.broker.listener.name=PLAINTEXT",
                  "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                  "log.dirs=" + n.dir().resolve("data"),
                  "num.partitions=6",
                  "default.replication.factor=" + replicas,
                  "min.insync.replicas=" + minIsr,
                  "offsets.topic.replication.factor=" + replicas,
                  "transaction.state.log.replication.factor=" + replicas,
                  "transaction.state.log.min.isr=" + minIsr,
                  "unclean.leader.election.enable=false",
                  "group.initial.rebalance.delay.ms=0",
                  // As the classic clients' session timeout and heartbeat (see EmbeddedBroker).
                  "group.consumer.session.timeout.ms=10000",
                  "group.consumer.min.session.timeout.ms=6000",
                  "group.consumer.heartbeat.interval.ms=3000",
                  "group.consumer.min.heartbeat.interval.ms=1000",
                  "auto.create.topics.enable=false",
                  "message.max.bytes=8388608",
                  "replica.fetch.max.bytes=8388608",
                  // A restarted node rejoins the ISR within seconds on loopback; the default 30 s
                  // keeps a dead one in it too long.
                  "replica.lag.time.max.ms=10000",
                  "")
              + "\n");
    }
    List<Process> formats = new ArrayList<>();
    for (Node n : nodes.values()) {
      formats.add(
          NodeProcesses.java(
              List.of(
                  "kafka.tools.StorageTool",
                  "format",
                  "-t",
                  CLUSTER_ID,
                  "-c",
                  n.config().toString(),
                  "--ignore-formatted"),
              n.dir().resolve("format.log"),
              "-Xmx256m"));
    }
    for (int i = 0; i < formats.size(); i++) {
      NodeProcesses.await(formats.get(i), "format node " + (i + 1));
    }
    for (Node n : nodes.values()) {
      launch(n);
    }
    for (Node n : nodes.values()) {
      awaitReady(n, Duration.ofSeconds(300));
    }
    log.info(
        "Kafka cluster of {} ready at {} in {} ms (data in {})",
        size,
        bootstrapServers(),
        (System.nanoTime() - t0) / 1_000_000,
        baseDir);
  }

  public String bootstrapServers() {
    return nodes.values().stream().map(Node::address).collect(Collectors.joining(","));
  }

  public Collection<Node> nodes() {
    return nodes.values();
  }

  public boolean isRunning(int id) {
    Process p = processes.get(id);
    return p != null && p.isAlive();
  }

  /** SIGKILL: the node dies at once, as in a power cut (no controlled shutdown, no flush). */
  public synchronized void kill(int id) {
    Process p = processes.remove(id);
    if (p != null) {
      p.destroyForcibly();
      NodeProcesses.waitFor(p, "kill node " + id);
    }
  }

  /** SIGTERM: a controlled shutdown (leadership moved away first), as in a rolling restart. */
  public synchronized void stop(int id) {
    Process p = processes.remove(id);
    if (p != null) {
      p.destroy();
      NodeProcesses.waitFor(p, "stop node " + id);
    }
  }

  /** Starts a stopped or killed node again on its data and ports, and waits until it serves. */
  public synchronized void restart(int id) {
    Node n = node(id);
    if (isRunning(id)) {
      throw new IllegalStateException("node " + id + " is running");
    }
    launch(n);
    awaitReady(n, Duration.ofSeconds(300));
  }

  /**
   * The node that leads the most partitions of {@code topics} (the one whose loss moves the most
   * leaders).
   */
  public static int leaderOfMostPartitions(Admin admin, Collection<String> topics)
      throws Exception {
    Map<Integer, Integer> led = new HashMap<>();
    for (TopicDescription d : admin.describeTopics(topics).allTopicNames().get().values()) {
      for (TopicPartitionInfo p : d.partitions()) {
        if (p.leader() != null) {
          led.merge(p.leader().id(), 1, Integer::sum);
        }
      }
    }
    return led.entrySet().stream()
        .max(Map.Entry.comparingByValue())
        .orElseThrow(() -> new IllegalStateException("no partition of " + topics + " has a leader"))
        .getKey();
  }

  /**
   * Waits until every partition of {@code topics} has all its replicas in sync (after a restart).
   */
  public static void awaitFullyReplicated(Admin admin, Collection<String> topics, Duration timeout)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      int lagging = 0;
      for (TopicDescription d : admin.describeTopics(topics).allTopicNames().get().values()) {
        for (TopicPartitionInfo p : d.partitions()) {
          if (p.isr().size() < p.replicas().size()) {
            lagging++;
          }
        }
      }
      if (lagging == 0) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new TimeoutException(
            lagging + " partitions of " + topics + " still under-replicated after " + timeout);
      }
      Thread.sleep(250);
    }
  }

  private Node node(int id) {
    Node n = nodes.get(id);
    if (n == null) {
      throw new IllegalArgumentException("no node " + id + " (nodes " + nodes.keySet() + ")");
    }
    return n;
  }

  private void launch(Node n) {
    processes.put(
        n.id(),
        NodeProcesses.java(List.of("kafka.Kafka", n.config().toString()), n.log(), "-Xmx512m"));
  }

  /**
   * Waits until the node serves clients and the cluster's metadata lists it as a live broker. Asked
   * over the wire, not read from its log: the class path's logging config may keep Kafka's INFO
   * lines ("Kafka Server started") out of the log.
   */
  private void awaitReady(Node n, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<String, Object> config =
        Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, n.address(),
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000);
    try (Admin admin = Admin.create(config)) {
      while (true) {
        Process p = processes.get(n.id());
        if (p == null || !p.isAlive()) {
          throw new IllegalStateException("Kafka node " + n.id() + " exited; see " + n.log());
        }
        try {
          boolean listed =
              admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).stream()
                  .anyMatch(b -> b.id() == n.id());
          if (listed) {
            return;
          }
        } catch (ExecutionException | TimeoutException e) {
          // not serving yet
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while starting node " + n.id(), e);
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "Kafka node " + n.id() + " not ready after " + timeout + "; see " + n.log());
        }
        sleep(250);
      }
    }
  }

  private static List<Integer> freePorts(int n) throws IOException {
    List<ServerSocket> held = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        held.add(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
      }
      return held.stream().map(ServerSocket::getLocalPort).toList();
    } finally {
      for (ServerSocket s : held) {
        s.close();
      }
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /**
   * Kills every node (their data is temporary: nothing to shut down cleanly for) and deletes the
   * folder.
   */
  @Override
  public synchronized void close() {
    for (Process p : processes.values()) {
      p.destroyForcibly();
    }
    for (Process p : processes.values()) {
      NodeProcesses.waitFor(p, "kill a node");
    }
    processes.clear();
    if (ownsBaseDir) {
      EmbeddedBroker.deleteTree(baseDir);
    }
  }
}
