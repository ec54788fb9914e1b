package org.wsol.common.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.wsol.broker.EmbeddedBroker;
import org.wsol.common.avro.AvroCodec;
import org.wsol.common.config.Settings;
import org.wsol.common.image.ImagesTest;
import org.wsol.schema.ImageEvent;

/**
 * Static membership ({@code <stage>.instance.id}): a member that stops and starts again under the
 * same instance id keeps its partitions meanwhile (the other member gets none of them) and gets the
 * same ones back, with nothing lost or doubled.
 */
class StaticMembershipIT {
  static final int RECORDS = 24;
  static EmbeddedBroker broker;
  static Settings base;
  static final AvroCodec<ImageEvent> codec = new AvroCodec<>(ImageEvent.class);

  @BeforeAll
  static void start() {
    broker = EmbeddedBroker.start();
    base =
        Settings.load(
            null,
            Map.of(),
            Map.of("bootstrap.servers", broker.bootstrapServers(), "topic.partitions", "4"));
  }

  @AfterAll
  static void stop() {
    broker.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"consumer", "classic"})
  void aRestartedStaticMemberGetsItsPartitionsBack(String protocol) throws Exception {
    String name = "static-" + protocol;
    String group = "test-" + name;
    Settings s = settings(name, protocol).with(GroupMembership.LEAVE_ON_CLOSE_KEY, "false");
    List<String> ids = new ArrayList<>(produce(s, name, 0, RECORDS / 2));

    Running a = new Running(s.with("measure.instance.id", "member-a"), name);
    Running b = new Running(s.with("measure.instance.id", "member-b"), name);
    Map<String, Set<TopicPartition>> before =
        awaitAssigned(s, group, Set.of("member-a", "member-b"));
    assertEquals(2, before.get("member-a").size(), before.toString());
    assertEquals(2, before.get("member-b").size(), before.toString());

    a.stop();
    Map<String, Set<TopicPartition>> away = assignments(s, group);
    assertEquals(before, away, "while member-a is away it keeps its partitions; b gets none");

    ids.addAll(produce(s, name, RECORDS / 2, RECORDS));
    Running again = new Running(s.with("measure.instance.id", "member-a"), name);
    CommitAfterAcknowledgementIT.awaitCommittedToEnd(s, group, name + "-in");
    assertEquals(before, assignments(s, group), "member-a got the same partitions back");
    again.stop();
    b.stop();
    assertTrue(again.runner.processedCount() > 0, "the restarted member did its share");

    long outputs = CommitAfterAcknowledgementIT.sum(StageRunnerIT.endOffsetsOf(s, name + "-out"));
    assertEquals(RECORDS, outputs, "each input output once: none lost, none doubled");
    Set<String> seen = new HashSet<>();
    for (ConsumerRecord<byte[], byte[]> r : StageRunnerIT.readAllFrom(s, name + "-out", RECORDS)) {
      seen.add(codec.decode(r.value()).getId());
    }
    assertEquals(Set.copyOf(ids), seen);
  }

  @ParameterizedTest
  @ValueSource(strings = {"consumer", "classic"})
  void aStaticMemberThatLeavesOnCloseHandsItsPartitionsOverAtOnce(String protocol)
      throws Exception {
    String name = "leaving-" + protocol;
    String group = "test-" + name;
    Settings s = settings(name, protocol); // stage.instance.leave.on.close: true by default
    produce(s, name, 0, 4);
    Running a = new Running(s.with("measure.instance.id", "member-a"), name);
    Running b = new Running(s.with("measure.instance.id", "member-b"), name);
    awaitAssigned(s, group, Set.of("member-a", "member-b"));
    a.stop();
    // Long before the 60 s session timeout would have released them.
    awaitAssigned(s, group, Set.of("member-b"));
    b.stop();
  }

  /**
   * Topics {@code name}-in/-out/-dead and the group's session timeout far longer than a restart
   * takes, so that a member is surely still remembered: the tests check membership, not speed.
   */
  static Settings settings(String name, String protocol) throws Exception {
    Settings s =
        CommitAfterAcknowledgementIT.topics(base, name)
            .with(GroupMembership.PROTOCOL_KEY, protocol)
            .with("kafka.consumer.session.timeout.ms", "60000")
            .with("kafka.consumer.heartbeat.interval.ms", "1000");
    if (protocol.equals("consumer")) {
      groupTimeouts(s, "test-" + name, 60000, 1000);
    }
    // The leaders of a new topic answer a list-offsets request only once they lead: produce after
    // that (a produce racing the first leadership can fail with an out-of-order sequence).
    StageRunnerIT.endOffsetsOf(s, name + "-in");
    return s;
  }

  /** A runner of the measuring stage on its own thread. */
  static final class Running {
    final StageRunner<ImageEvent, ImageEvent> runner;
    final Thread thread;

    Running(Settings s, String name) {
      runner = CommitAfterAcknowledgementIT.runner(s, name, StageClients.KAFKA);
      thread = new Thread(runner, "static-" + name);
      thread.start();
    }

    void stop() throws InterruptedException {
      runner.close();
      thread.join();
    }
  }

  /** The consumer protocol's session timeout and heartbeat are the group's (broker-side). */
  static void groupTimeouts(Settings s, String group, int sessionMs, int heartbeatMs)
      throws Exception {
    try (Admin admin = Admin.create(s.kafka())) {
      ConfigResource r = new ConfigResource(ConfigResource.Type.GROUP, group);
      Collection<AlterConfigOp> ops =
          List.of(
              new AlterConfigOp(
                  new ConfigEntry("consumer.session.timeout.ms", String.valueOf(sessionMs)),
                  AlterConfigOp.OpType.SET),
              new AlterConfigOp(
                  new ConfigEntry("consumer.heartbeat.interval.ms", String.valueOf(heartbeatMs)),
                  AlterConfigOp.OpType.SET));
      admin.incrementalAlterConfigs(Map.of(r, ops)).all().get();
    }
  }

  static List<String> produce(Settings s, String name, int from, int to) throws Exception {
    byte[] png = ImagesTest.encode(ImagesTest.gradient(8, 6), "png");
    List<String> ids = new ArrayList<>();
    try (KafkaProducer<byte[], byte[]> p =
        new KafkaProducer<>(s.producer(), new ByteArraySerializer(), new ByteArraySerializer())) {
      List<java.util.concurrent.Future<?>> sends = new ArrayList<>();
      for (int i = from; i < to; i++) {
        String id = name + "-" + i;
        ids.add(id);
        sends.add(
            p.send(
                new ProducerRecord<>(
                    name + "-in",
                    id.getBytes(StandardCharsets.UTF_8),
                    codec.encode(StageRunnerIT.event(id, png)))));
      }
      for (var f : sends) {
        f.get(); // every input is on the topic, or the test stops here
      }
    }
    return ids;
  }

  /** Each static member's partitions, by instance id. */
  static Map<String, Set<TopicPartition>> assignments(Settings s, String group) throws Exception {
    try (Admin admin = Admin.create(s.kafka())) {
      Map<String, Set<TopicPartition>> out = new HashMap<>();
      Collection<MemberDescription> members;
      try {
        members = admin.describeConsumerGroups(List.of(group)).all().get().get(group).members();
      } catch (java.util.concurrent.ExecutionException e) {
        if (e.getCause() instanceof GroupIdNotFoundException) {
          return out; // no member has joined yet
        }
        throw e;
      }
      for (MemberDescription m : members) {
        out.put(
            m.groupInstanceId().orElse(m.consumerId()),
            new HashSet<>(m.assignment().topicPartitions()));
      }
      return out;
    }
  }

  /**
   * Waits until exactly these members hold every partition of the input between them, each some.
   */
  static Map<String, Set<TopicPartition>> awaitAssigned(
      Settings s, String group, Set<String> members) throws Exception {
    long deadline = System.currentTimeMillis() + 60_000;
    Map<String, Set<TopicPartition>> now = Map.of();
    while (System.currentTimeMillis() < deadline) {
      now = assignments(s, group);
      Set<TopicPartition> all = new HashSet<>();
      int total = 0;
      boolean eachHasSome = true;
      for (Set<TopicPartition> tps : now.values()) {
        all.addAll(tps);
        total += tps.size();
        eachHasSome &= !tps.isEmpty();
      }
      if (now.keySet().equals(members) && eachHasSome && all.size() == 4 && total == 4) {
        return now;
      }
      Thread.sleep(100);
    }
    throw new AssertionError(group + " never settled on " + members + ": " + now);
  }
}
