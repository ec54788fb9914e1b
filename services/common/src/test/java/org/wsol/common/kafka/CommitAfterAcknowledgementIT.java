package org.wsol.common.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.wsol.broker.EmbeddedBroker;
import org.wsol.common.avro.AvroCodec;
import org.wsol.common.config.Settings;
import org.wsol.common.image.ImagesTest;
import org.wsol.schema.ImageEvent;

/**
 * The runner's rule "commit only after every output is acknowledged", tested deterministically:
 * faults are injected through {@link StageClients} at the exact point that matters, instead of
 * hoping a kill lands there. A regression to at-most-once (commit before the outputs, or commit
 * past a failed send) fails these tests.
 */
class CommitAfterAcknowledgementIT {
  static final int RECORDS = 10;
  static EmbeddedBroker broker;
  static Settings settings;
  static final AvroCodec<ImageEvent> codec = new AvroCodec<>(ImageEvent.class);

  @BeforeAll
  static void start() {
    broker = EmbeddedBroker.start();
    settings =
        Settings.load(
            null,
            Map.of(),
            Map.of("bootstrap.servers", broker.bootstrapServers(), "topic.partitions", "2"));
  }

  @AfterAll
  static void stop() {
    broker.close();
  }

  /** What a process dying at that instant looks like to the runner: nothing after it runs. */
  static final class SimulatedCrash extends Error {
    SimulatedCrash() {
      super("simulated crash after the outputs were acknowledged, before the commit");
    }
  }

  @Test
  void aCrashBetweenTheAcknowledgedOutputsAndTheCommitReplaysThoseRecordsAndLosesNothing()
      throws Exception {
    Settings s = topics(settings, "crash");
    List<String> ids = produceInputs(s, "crash");
    AtomicReference<Map<TopicPartition, OffsetAndMetadata>> attempted = new AtomicReference<>();
    StageClients crashOnCommit =
        new StageClients() {
          @Override
          public KafkaConsumer<byte[], byte[]> consumer(Properties config) {
            return new KafkaConsumer<>(
                config, new ByteArrayDeserializer(), new ByteArrayDeserializer()) {
              @Override
              public void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
                attempted.set(Map.copyOf(offsets));
                throw new SimulatedCrash();
              }
            };
          }
        };
    StageRunner<ImageEvent, ImageEvent> crashing = runner(s, "crash", crashOnCommit);
    AtomicReference<Throwable> died = new AtomicReference<>();
    Thread t = new Thread(crashing);
    t.setUncaughtExceptionHandler((th, e) -> died.set(e));
    t.start();
    t.join(30_000);
    assertFalse(t.isAlive(), "the runner died at its first commit");
    assertTrue(died.get() instanceof SimulatedCrash, "died of the injected crash: " + died.get());
    assertNotNull(attempted.get(), "the crash came at the commit");
    long firstPoll = attempted.get().values().stream().mapToLong(OffsetAndMetadata::offset).sum();
    assertTrue(firstPoll >= 1, "the crashed poll held records");
    List<ConsumerRecord<byte[], byte[]>> beforeReplay =
        StageRunnerIT.readAllFrom(s, "crash-out", (int) firstPoll);
    assertEquals(
        firstPoll,
        beforeReplay.size(),
        "the crashed poll's outputs were acknowledged before the commit");
    assertEquals(0L, sum(committedOffsets(s, "test-crash", "crash-in")), "nothing was committed");

    // A new member of the group replays from the last commit: the crashed poll's records again,
    // then the rest.
    StageRunner<ImageEvent, ImageEvent> replay = runner(s, "crash", StageClients.KAFKA);
    Thread t2 = new Thread(replay);
    t2.start();
    try {
      awaitCommittedToEnd(s, "test-crash", "crash-in");
    } finally {
      replay.close();
      t2.join();
    }
    assertEquals(
        RECORDS,
        replay.processedCount(),
        "the replay began where the last commit was: at the start");

    List<ConsumerRecord<byte[], byte[]>> outs =
        StageRunnerIT.readAllFrom(s, "crash-out", RECORDS + (int) firstPoll);
    Map<String, Integer> perId = new HashMap<>();
    Set<String> distinctRecords = new HashSet<>();
    for (ConsumerRecord<byte[], byte[]> r : outs) {
      perId.merge(codec.decode(r.value()).getId(), 1, Integer::sum);
      distinctRecords.add(
          new String(r.key(), StandardCharsets.UTF_8) + "/" + java.util.Arrays.hashCode(r.value()));
    }
    assertEquals(Set.copyOf(ids), perId.keySet(), "no input lost");
    Set<String> crashedIds = new HashSet<>();
    for (ConsumerRecord<byte[], byte[]> r : beforeReplay) {
      crashedIds.add(codec.decode(r.value()).getId());
    }
    for (String id : ids) {
      assertEquals(
          crashedIds.contains(id) ? 2 : 1,
          perId.get(id),
          id + ": output twice if it was in the crashed poll (replayed), once otherwise");
    }
    assertEquals(
        RECORDS,
        distinctRecords.size(),
        "a replayed output is the same record again (same key, same bytes): an idempotent reader counts it once");
    System.out.printf(
        "CommitAfterAcknowledgementIT: crash before the commit of a poll of %d records; "
            + "%d replayed, %d outputs for %d inputs, none lost%n",
        firstPoll, firstPoll, outs.size(), RECORDS);
  }

  @Test
  void aProduceThatFailsBecauseTheBrokerIsUnreachableLeavesTheOffsetsWhereTheyWere()
      throws Exception {
    Settings s = topics(settings, "unreachable");
    produceInputs(s, "unreachable");
    int closed;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    int closedPort = closed;
    // The consumer reaches the broker; the producer's broker is a port nobody listens on.
    StageClients unreachableProducer =
        new StageClients() {
          @Override
          public KafkaProducer<byte[], byte[]> producer(Properties config) {
            Properties p = new Properties();
            p.putAll(config);
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + closedPort);
            p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "500");
            p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "500");
            p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "1000");
            return StageClients.KAFKA.producer(p);
          }
        };
    StageRunner<ImageEvent, ImageEvent> runner = runner(s, "unreachable", unreachableProducer);
    Thread t = new Thread(runner);
    t.start();
    t.join(60_000);
    assertFalse(t.isAlive(), "the runner stops when its outputs cannot be delivered");
    assertEquals(
        0L,
        sum(committedOffsets(s, "test-unreachable", "unreachable-in")),
        "the offsets did not move past records whose outputs were never acknowledged");
    assertEquals(
        0L, sum(StageRunnerIT.endOffsetsOf(s, "unreachable-out")), "and no output was written");

    // With the broker reachable again, the same group does the records it had not committed.
    StageRunner<ImageEvent, ImageEvent> again = runner(s, "unreachable", StageClients.KAFKA);
    Thread t2 = new Thread(again);
    t2.start();
    try {
      awaitCommittedToEnd(s, "test-unreachable", "unreachable-in");
    } finally {
      again.close();
      t2.join();
    }
    assertEquals(RECORDS, again.processedCount());
    assertEquals(RECORDS, StageRunnerIT.readAllFrom(s, "unreachable-out", RECORDS).size());
  }

  static Settings topics(Settings base, String name) {
    Settings s =
        base.with("topic.images", name + "-in")
            .with("topic.boxes", name + "-out")
            .with("topic.dead.letter", name + "-dead");
    Topics.from(s).ensureExist(s);
    return s;
  }

  /**
   * Writes {@link #RECORDS} good images to {@code name}-in before any runner starts: the first poll
   * holds several.
   */
  static List<String> produceInputs(Settings s, String name) throws Exception {
    byte[] png = ImagesTest.encode(ImagesTest.gradient(8, 6), "png");
    List<String> ids = new ArrayList<>();
    try (KafkaProducer<byte[], byte[]> p =
        new KafkaProducer<>(s.producer(), new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < RECORDS; i++) {
        String id = name + "-" + i;
        ids.add(id);
        p.send(
            new ProducerRecord<>(
                name + "-in",
                id.getBytes(StandardCharsets.UTF_8),
                codec.encode(StageRunnerIT.event(id, png))));
      }
      p.flush();
    }
    return ids;
  }

  static StageRunner<ImageEvent, ImageEvent> runner(Settings s, String name, StageClients clients) {
    return new StageRunner<>(
        s,
        new StageRunnerIT.MeasureStage(),
        ImageEvent.class,
        ImageEvent.class,
        ImageEvent::getId,
        name + "-in",
        name + "-out",
        "test-" + name,
        4,
        clients);
  }

  static Map<TopicPartition, Long> committedOffsets(Settings s, String group, String topic)
      throws Exception {
    Map<TopicPartition, Long> out = new HashMap<>();
    StageRunnerIT.endOffsetsOf(s, topic).keySet().forEach(tp -> out.put(tp, 0L));
    try (Admin admin = Admin.create(s.kafka())) {
      admin
          .listConsumerGroupOffsets(group)
          .partitionsToOffsetAndMetadata()
          .get()
          .forEach(
              (tp, o) -> {
                if (o != null && tp.topic().equals(topic)) {
                  out.put(tp, o.offset());
                }
              });
    }
    return out;
  }

  static void awaitCommittedToEnd(Settings s, String group, String topic) throws Exception {
    Map<TopicPartition, Long> ends = StageRunnerIT.endOffsetsOf(s, topic);
    long deadline = System.currentTimeMillis() + 30_000;
    while (!ends.equals(committedOffsets(s, group, topic))
        && System.currentTimeMillis() < deadline) {
      Thread.sleep(100);
    }
    assertEquals(
        ends, committedOffsets(s, group, topic), group + " committed to the end of " + topic);
  }

  static long sum(Map<TopicPartition, Long> offsets) {
    return offsets.values().stream().mapToLong(Long::longValue).sum();
  }
}
