package org.wsol.cli.bench;

import static org.wsol.cli.bench.PipelineReport.progress;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.GroupState;
import org.wsol.broker.EmbeddedBroker;
import org.wsol.cli.chaos.ServiceProcess;
import org.wsol.common.config.SettingKeys;
import org.wsol.common.config.Settings;
import org.wsol.common.kafka.TopicTail;
import org.wsol.common.kafka.Topics;

/**
 * One phase of the pipeline bench: a fresh embedded broker with the pipeline's topics, and the
 * service processes started on it.
 */
final class PipelinePhase implements AutoCloseable {
  private static final String UP = "running; stop with Ctrl-C";

  final String name;
  final EmbeddedBroker broker;
  final Settings s;
  final Topics topics;
  final Admin admin;
  final List<ServiceProcess> procs = new ArrayList<>();
  private final Function<String, List<String>> serviceArgs;
  private final Path logs;
  private final boolean jfr;
  private final int timeout;

  /**
   * @param settings the command line's settings; the phase's broker address is added to them
   * @param serviceArgs the arguments of every service process, given the broker's address
   * @param logs folder of the process logs and JFR recordings
   * @param jfr whether to record each process with Java Flight Recorder
   * @param timeout seconds to wait for processes, groups and records before giving up
   */
  PipelinePhase(
      String name,
      Settings settings,
      Function<String, List<String>> serviceArgs,
      Path logs,
      boolean jfr,
      int timeout) {
    this.name = name;
    this.serviceArgs = serviceArgs;
    this.logs = logs;
    this.jfr = jfr;
    this.timeout = timeout;
    progress("%s: starting a broker", name);
    // The test kit prints its formatting to stdout: keep stdout for the figures.
    java.io.PrintStream stdout = System.out;
    System.setOut(System.err);
    try {
      this.broker = EmbeddedBroker.start();
    } finally {
      System.setOut(stdout);
    }
    this.s = settings.with(SettingKeys.BOOTSTRAP_SERVERS, broker.bootstrapServers());
    this.topics = Topics.from(s);
    topics.ensureExist(s);
    this.admin = Admin.create(s.kafka());
  }

  void start(String command, String procName, String heap) {
    List<String> jvm = new ArrayList<>(List.of(heap));
    if (jfr) {
      jvm.add(
          "-XX:StartFlightRecording=settings=profile,dumponexit=true,filename="
              + logs.resolve(name + "-" + procName + ".jfr").toAbsolutePath());
    }
    List<String> args = new ArrayList<>(List.of(command));
    args.addAll(serviceArgs.apply(broker.bootstrapServers()));
    procs.add(
        ServiceProcess.start(procName, jvm, args, logs.resolve(name + "-" + procName + ".log")));
  }

  void awaitUp() throws Exception {
    for (ServiceProcess p : procs) {
      p.awaitOutput(UP, Duration.ofSeconds(timeout));
    }
    progress("%s: %d process(es) up", name, procs.size());
  }

  /**
   * Waits until the group has {@code members} members sharing the partitions, so no rebalance hits
   * the clock.
   */
  void awaitGroup(String group, int members) throws Exception {
    int partitions = s.getInt(SettingKeys.TOPIC_PARTITIONS);
    long deadline = System.nanoTime() + Duration.ofSeconds(timeout).toNanos();
    while (true) {
      ConsumerGroupDescription d;
      try {
        d = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
      } catch (java.util.concurrent.ExecutionException e) {
        if (!(e.getCause() instanceof org.apache.kafka.common.errors.GroupIdNotFoundException)
            || System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(200); // no member has joined yet
        continue;
      }
      long assigned =
          d.members().stream().filter(m -> !m.assignment().topicPartitions().isEmpty()).count();
      if (d.groupState() == GroupState.STABLE
          && d.members().size() == members
          && assigned == Math.min(members, partitions)) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            name
                + ": group "
                + group
                + " did not settle with "
                + members
                + " members (state "
                + d.groupState()
                + ", "
                + d.members().size()
                + " members); see "
                + logs);
      }
      Thread.sleep(200);
    }
  }

  /**
   * Waits until {@code unit} gave {@code expected} distinct units; returns when each was first seen
   * (nanoTime). Fails at once when a process exits or a record is dead-lettered, rather than
   * waiting out the timeout.
   */
  Map<String, Long> await(
      String what,
      TopicTail tail,
      TopicTail dead,
      Function<ConsumerRecord<byte[], byte[]>, String> unit,
      int expected)
      throws Exception {
    Map<String, Long> seen = new LinkedHashMap<>();
    int read = 0;
    long start = System.nanoTime();
    long deadline = start + Duration.ofSeconds(timeout).toNanos();
    long nextReport = start + 5_000_000_000L;
    while (true) {
      List<ConsumerRecord<byte[], byte[]>> all = tail.records();
      long now = System.nanoTime();
      for (int i = read; i < all.size(); i++) {
        String u = unit.apply(all.get(i));
        if (u != null) {
          seen.putIfAbsent(
              u, tail.arrivalNanos(i)); // not now: the caller may have been busy sending (--rate)
        }
      }
      read = all.size();
      if (seen.size() >= expected) {
        progress("%s: %d/%d in %.1f s", what, seen.size(), expected, (now - start) / 1e9);
        return seen;
      }
      for (ServiceProcess p : procs) {
        if (!p.isAlive()) {
          throw new IllegalStateException(
              what + ": " + p.name() + " exited; its log " + p.log() + " ends:\n" + p.tail());
        }
      }
      if (!dead.records().isEmpty()) {
        throw new IllegalStateException(
            what
                + ": "
                + dead.records().size()
                + " record(s) dead-lettered; see the logs in "
                + logs);
      }
      if (now > deadline) {
        throw new IllegalStateException(
            what
                + ": only "
                + seen.size()
                + "/"
                + expected
                + " after "
                + timeout
                + " s (raise --timeout or lower --images); logs in "
                + logs);
      }
      if (now > nextReport) {
        progress("%s: %d/%d after %.0f s", what, seen.size(), expected, (now - start) / 1e9);
        nextReport = now + 5_000_000_000L;
      }
      Thread.sleep(20);
    }
  }

  /** CPU seconds used so far by each process of this phase. */
  Map<String, Double> cpu() {
    return ProcessCpu.sample(procs);
  }

  Map<String, Double> cpuSince(Map<String, Double> before) {
    return ProcessCpu.since(procs, before);
  }

  @Override
  public void close() throws Exception {
    for (ServiceProcess p : procs) {
      p.close();
    }
    admin.close();
    broker.close();
  }
}
