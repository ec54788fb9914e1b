package org.wsol.common.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.wsol.broker.EmbeddedBroker;
import org.wsol.common.avro.AvroCodec;
import org.wsol.common.config.Settings;
import org.wsol.common.image.ImagesTest;
import org.wsol.common.image.RgbImages;
import org.wsol.schema.DeadLetter;
import org.wsol.schema.ImageEvent;

/**
 * The consume-process-produce loop against a real broker: good records flow, bad ones reach the
 * dead letters.
 */
class StageRunnerIT {
  static EmbeddedBroker broker;
  static Settings settings;

  @BeforeAll
  static void start() {
    broker = EmbeddedBroker.start();
    settings =
        Settings.load(
            null,
            Map.of(),
            Map.of("bootstrap.servers", broker.bootstrapServers(), "topic.partitions", "2"));
    Topics.from(settings).ensureExist(settings);
  }

  @AfterAll
  static void stop() {
    broker.close();
  }

  /** A real stage: decodes each image and reports its size in source_name. */
  static final class MeasureStage implements Stage<ImageEvent, ImageEvent> {
    public String name() {
      return "measure";
    }

    public List<Outcome<ImageEvent>> process(List<ImageEvent> inputs) {
      List<Outcome<ImageEvent>> out = new ArrayList<>();
      for (ImageEvent e : inputs) {
        try {
          BufferedImage img = RgbImages.decode(e.getImageBytes().array(), 1_000_000, 1_000_000);
          ImageEvent o =
              ImageEvent.newBuilder(e)
                  .setImageBytes(null)
                  .setSourceName(img.getWidth() + "x" + img.getHeight())
                  .build();
          out.add(Outcome.ok(List.of(o)));
        } catch (BadRecordException ex) {
          out.add(Outcome.failed(ex));
        }
      }
      return out;
    }
  }

  @Test
  void goodRecordsFlowAndBadOnesAreDeadLetteredWithTheirBytes() throws Exception {
    Topics topics = Topics.from(settings);
    AvroCodec<ImageEvent> codec = new AvroCodec<>(ImageEvent.class);
    byte[] png = ImagesTest.encode(ImagesTest.gradient(30, 20), "png");
    byte[] notAvro = "definitely not avro".getBytes(StandardCharsets.UTF_8);
    byte[] corrupt =
        codec.encode(
            ImageEvent.newBuilder()
                .setId("bad-image")
                .setImageBytes(ByteBuffer.wrap(new byte[] {1, 2, 3, 4}))
                .setProducedAt(Instant.now())
                .build());

    Properties pp = settings.producer();
    try (KafkaProducer<byte[], byte[]> p =
        new KafkaProducer<>(pp, new ByteArraySerializer(), new ByteArraySerializer())) {
      p.send(
          new ProducerRecord<>(
              topics.images(), "good-1".getBytes(), codec.encode(event("good-1", png))));
      p.send(new ProducerRecord<>(topics.images(), "not-avro".getBytes(), notAvro));
      p.send(new ProducerRecord<>(topics.images(), "bad-image".getBytes(), corrupt));
      p.send(
          new ProducerRecord<>(
              topics.images(), "good-2".getBytes(), codec.encode(event("good-2", png))));
    }

    StageRunner<ImageEvent, ImageEvent> runner =
        new StageRunner<>(
            settings,
            new MeasureStage(),
            ImageEvent.class,
            ImageEvent.class,
            ImageEvent::getId,
            topics.images(),
            topics.boxes(),
            "test-measure",
            8);
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    runner.bindMetrics(meters);
    assertFalse(runner.isReady(), "not ready before the loop has polled");
    Thread t = new Thread(runner);
    t.start();
    List<ConsumerRecord<byte[], byte[]>> outs = readAll(topics.boxes(), 2);
    List<ConsumerRecord<byte[], byte[]>> dead = readAll(topics.deadLetter(), 2);
    assertTrue(runner.isReady(), "polling and connected to the broker");
    assertEquals(4, meters.get("wsol_records_in").counter().count());
    assertEquals(2, meters.get("wsol_records_out").counter().count());
    assertEquals(2, meters.get("wsol_records_dead_lettered").counter().count());
    assertTrue(meters.get("wsol_batch_size").summary().count() >= 1);
    assertTrue(
        meters.find("kafka.consumer.fetch.manager.records.lag.max").gauges().size() >= 1,
        "the Kafka consumer's own metrics (lag) are published");
    // Offsets are committed up to the end of every partition of the input topic (the commit follows
    // the outputs).
    Map<org.apache.kafka.common.TopicPartition, Long> ends =
        endOffsetsOf(settings, topics.images());
    assertEquals(4L, ends.values().stream().mapToLong(Long::longValue).sum());
    CommitAfterAcknowledgementIT.awaitCommittedToEnd(settings, "test-measure", topics.images());
    runner.close();
    assertFalse(runner.isReady(), "not ready once stopped");
    t.join();

    assertEquals(2, outs.size());
    for (ConsumerRecord<byte[], byte[]> r : outs) {
      assertEquals("30x20", codec.decode(r.value()).getSourceName());
    }
    AvroCodec<DeadLetter> dlCodec = new AvroCodec<>(DeadLetter.class);
    Map<String, DeadLetter> byKey = new java.util.HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : dead) {
      byKey.put(new String(r.key()), dlCodec.decode(r.value()));
    }
    DeadLetter na = byKey.get("not-avro");
    assertTrue(na.getReason().contains("not an Avro"), na.getReason());
    assertArrayEquals(notAvro, na.getValue().array());
    assertEquals(topics.images(), na.getSourceTopic());
    assertEquals("measure", na.getStage());
    DeadLetter bi = byKey.get("bad-image");
    assertTrue(bi.getReason().contains("unsupported"), bi.getReason());
    assertArrayEquals(corrupt, bi.getValue().array());
    assertEquals(2, runner.processedCount());
    assertEquals(2, runner.failedCount());

    // So a new member of the same group has nothing left to do.
    StageRunner<ImageEvent, ImageEvent> again =
        new StageRunner<>(
            settings,
            new MeasureStage(),
            ImageEvent.class,
            ImageEvent.class,
            ImageEvent::getId,
            topics.images(),
            topics.boxes(),
            "test-measure",
            8);
    Thread t2 = new Thread(again);
    t2.start();
    Thread.sleep(3000);
    again.close();
    t2.join();
    assertEquals(0, again.processedCount() + again.failedCount());
  }

  @Test
  void aRecordIsNotDeadLetteredButReplayedWhileTheSchemaRegistryIsUnreachable() throws Exception {
    int closed;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    Settings s =
        settings.withAll(
            Map.of(
                "wire.format",
                "registry",
                "schema.registry.url",
                "http://127.0.0.1:" + closed,
                "topic.images",
                "registry-down-in",
                "topic.boxes",
                "registry-down-out",
                "topic.dead.letter",
                "registry-down-dead"));
    Topics.from(s).ensureExist(s);
    try (KafkaProducer<byte[], byte[]> p =
        new KafkaProducer<>(s.producer(), new ByteArraySerializer(), new ByteArraySerializer())) {
      p.send(
              new ProducerRecord<>(
                  "registry-down-in", "k".getBytes(), new byte[] {0, 0, 0, 0, 1, 2, 'i', 'd'}))
          .get();
    }
    StageRunner<ImageEvent, ImageEvent> runner =
        new StageRunner<>(
            s,
            new MeasureStage(),
            ImageEvent.class,
            ImageEvent.class,
            ImageEvent::getId,
            "registry-down-in",
            "registry-down-out",
            "test-registry-down",
            8);
    Thread t = new Thread(runner);
    t.start();
    t.join(30_000);
    assertFalse(t.isAlive(), "the runner stops when it cannot reach the registry");
    assertEquals(0, runner.failedCount());
    try (org.apache.kafka.clients.admin.Admin admin =
            org.apache.kafka.clients.admin.Admin.create(s.kafka());
        KafkaConsumer<byte[], byte[]> c =
            new KafkaConsumer<>(
                s.consumer(), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      org.apache.kafka.common.TopicPartition dead =
          new org.apache.kafka.common.TopicPartition("registry-down-dead", 0);
      assertEquals(0L, c.endOffsets(List.of(dead)).get(dead), "nothing dead-lettered");
      assertTrue(
          admin
              .listConsumerGroupOffsets("test-registry-down")
              .partitionsToOffsetAndMetadata()
              .get()
              .values()
              .stream()
              .allMatch(o -> o == null),
          "nothing committed: the record is read again on restart");
    }
  }

  /** Records the size of every batch it is given. */
  static final class BatchSizes implements Stage<ImageEvent, ImageEvent> {
    final List<Integer> sizes = java.util.Collections.synchronizedList(new ArrayList<>());

    public String name() {
      return "batch-sizes";
    }

    public List<Outcome<ImageEvent>> process(List<ImageEvent> inputs) {
      sizes.add(inputs.size());
      return inputs.stream().map(e -> Outcome.ok(List.of(e))).toList();
    }
  }

  @Test
  void lingerGathersRecordsThatArriveApartIntoOneBatch() throws Exception {
    assertEquals(List.of(1, 2), lingeredBatchSizes("linger", Long.MAX_VALUE));
  }

  @Test
  void lingerStopsGatheringOnceTheByteCapIsReached() throws Exception {
    // Every record outweighs a 1-byte cap: no waiting for company, each goes alone (large images
    // must not pile up).
    assertEquals(List.of(1, 1, 1), lingeredBatchSizes("linger-cap", 1));
  }

  private List<Integer> lingeredBatchSizes(String name, long maxBytes) throws Exception {
    Settings s = settings.with("topic.images", name + "-in").with("topic.boxes", name + "-out");
    Topics topics = Topics.from(s);
    topics.ensureExist(s);
    AvroCodec<ImageEvent> codec = new AvroCodec<>(ImageEvent.class);
    byte[] png = ImagesTest.encode(ImagesTest.gradient(4, 4), "png");
    BatchSizes stage = new BatchSizes();
    StageRunner<ImageEvent, ImageEvent> runner =
        runner(s, topics, stage, "test-" + name, 2).linger(Duration.ofSeconds(3), maxBytes);
    Thread t = new Thread(runner);
    t.start();
    try (KafkaProducer<byte[], byte[]> p =
        new KafkaProducer<>(s.producer(), new ByteArraySerializer(), new ByteArraySerializer())) {
      // The first record only shows that the runner is assigned and polling.
      p.send(
              new ProducerRecord<>(
                  topics.images(), "k".getBytes(), codec.encode(event("warm", png))))
          .get();
      readAll(topics.boxes(), 1);
      // Same key, same partition; 500 ms apart: without the linger the first comes alone.
      p.send(new ProducerRecord<>(topics.images(), "k".getBytes(), codec.encode(event("a", png))))
          .get();
      Thread.sleep(500);
      p.send(new ProducerRecord<>(topics.images(), "k".getBytes(), codec.encode(event("b", png))))
          .get();
      readAll(topics.boxes(), 3);
    } finally {
      runner.close();
      t.join();
    }
    return stage.sizes;
  }

  @Test
  void anInputOverOneMegabyteIsDeadLetteredWholeAndTheStageGoesOn() throws Exception {
    // Found on ImageNet's 1.7 MB ILSVRC2012_val_00018683.JPEG: its dead letter exceeded the
    // producer's default 1 MB
    // max.request.size, the send failed and the stage stopped on that record (replayed, and
    // failing, forever).
    Settings big =
        settings
            .with("topic.images", "big-images")
            .with("topic.boxes", "big-boxes")
            .with("topic.dead.letter", "big-dead-letter");
    Topics topics = Topics.from(big);
    topics.ensureExist(big);
    AvroCodec<ImageEvent> codec = new AvroCodec<>(ImageEvent.class);
    byte[] noise = new byte[1_700_000];
    new java.util.Random(5).nextBytes(noise);
    byte[] corrupt = codec.encode(event("huge-corrupt", noise));
    byte[] png = ImagesTest.encode(ImagesTest.gradient(30, 20), "png");
    Properties pp = big.producer();
    pp.put(
        org.apache.kafka.clients.producer.ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
        Topics.maxRecordBytes(big));
    try (KafkaProducer<byte[], byte[]> p =
        new KafkaProducer<>(pp, new ByteArraySerializer(), new ByteArraySerializer())) {
      p.send(new ProducerRecord<>(topics.images(), "k".getBytes(), corrupt)).get();
      p.send(
              new ProducerRecord<>(
                  topics.images(), "k".getBytes(), codec.encode(event("after", png))))
          .get();
    }
    StageRunner<ImageEvent, ImageEvent> runner =
        new StageRunner<>(
            big,
            new MeasureStage(),
            ImageEvent.class,
            ImageEvent.class,
            ImageEvent::getId,
            topics.images(),
            topics.boxes(),
            "test-big",
            8);
    Thread t = new Thread(runner);
    t.start();
    try {
      List<ConsumerRecord<byte[], byte[]>> dead = readAll(topics.deadLetter(), 1);
      DeadLetter d = new AvroCodec<>(DeadLetter.class).decode(dead.get(0).value());
      assertArrayEquals(
          corrupt, d.getValue().array(), "the dead letter carries the 1.7 MB original whole");
      List<ConsumerRecord<byte[], byte[]>> outs = readAll(topics.boxes(), 1);
      assertEquals(
          "after", codec.decode(outs.get(0).value()).getId(), "the record after it is processed");
      assertTrue(t.isAlive(), "the stage keeps running");
    } finally {
      runner.close();
      t.join();
    }
  }

  /**
   * Passes a barrier only two concurrent calls can pass (a lone call times out and fails its
   * record), then waits to be released.
   */
  static final class PairStage implements Stage<ImageEvent, ImageEvent> {
    final java.util.concurrent.CyclicBarrier barrier = new java.util.concurrent.CyclicBarrier(2);
    final java.util.concurrent.CountDownLatch passed = new java.util.concurrent.CountDownLatch(2);
    final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    final java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);

    public String name() {
      return "pair";
    }

    public List<Outcome<ImageEvent>> process(List<ImageEvent> inputs) {
      try {
        entered.countDown();
        barrier.await(20, java.util.concurrent.TimeUnit.SECONDS);
        passed.countDown();
        if (!release.await(30, java.util.concurrent.TimeUnit.SECONDS)) {
          throw new IllegalStateException("never released");
        }
      } catch (Exception e) {
        return inputs.stream()
            .map(i -> Outcome.<ImageEvent>failed(new RuntimeException("alone: " + e)))
            .toList();
      }
      return inputs.stream().map(e -> Outcome.ok(List.of(e))).toList();
    }
  }

  @Test
  void withTwoThreadsTwoRecordsOfOnePollRunConcurrentlyAndAreCommittedOnlyAfterBothOutputs()
      throws Exception {
    Settings s = ownTopics("pair");
    Topics topics = Topics.from(s);
    topics.ensureExist(s);
    AvroCodec<ImageEvent> codec = new AvroCodec<>(ImageEvent.class);
    byte[] png = ImagesTest.encode(ImagesTest.gradient(4, 4), "png");
    try (KafkaProducer<byte[], byte[]> p =
        new KafkaProducer<>(s.producer(), new ByteArraySerializer(), new ByteArraySerializer())) {
      // Same key, same partition, both written before the runner starts: one poll holds both.
      p.send(new ProducerRecord<>(topics.images(), "k".getBytes(), codec.encode(event("a", png))))
          .get();
      p.send(new ProducerRecord<>(topics.images(), "k".getBytes(), codec.encode(event("b", png))))
          .get();
    }
    PairStage stage = new PairStage();
    StageRunner<ImageEvent, ImageEvent> runner = pairRunner(s, topics, stage, "test-pair");
    Thread t = new Thread(runner);
    t.start();
    try (org.apache.kafka.clients.admin.Admin admin =
            org.apache.kafka.clients.admin.Admin.create(s.kafka());
        KafkaConsumer<byte[], byte[]> c =
            new KafkaConsumer<>(
                s.consumer(), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      assertTrue(
          stage.passed.await(25, java.util.concurrent.TimeUnit.SECONDS),
          "both records were in the stage at the same time");
      List<org.apache.kafka.common.TopicPartition> outParts =
          c.partitionsFor(topics.boxes()).stream()
              .map(pi -> new org.apache.kafka.common.TopicPartition(pi.topic(), pi.partition()))
              .toList();
      assertEquals(
          0L,
          c.endOffsets(outParts).values().stream().mapToLong(Long::longValue).sum(),
          "no output yet");
      assertEquals(
          0L,
          committed(admin, "test-pair"),
          "nothing committed while the records are in the stage");
      stage.release.countDown();
      List<ConsumerRecord<byte[], byte[]>> outs = readAll(topics.boxes(), 2);
      assertEquals(
          java.util.Set.of("a", "b"),
          outs.stream()
              .map(r -> codec.decode(r.value()).getId())
              .collect(java.util.stream.Collectors.toSet()));
      awaitCommitted(admin, "test-pair", 2);
      assertEquals(
          2L,
          committed(admin, "test-pair"),
          "both records committed once their outputs were acknowledged");
      assertEquals(2, runner.processedCount());
      assertEquals(0, runner.failedCount());
    } finally {
      stage.release.countDown();
      runner.close();
      t.join();
    }
  }

  @Test
  void withTwoThreadsAPollTakesMaxPollRecordsAThreadOfWhatIsAlreadyFetched() throws Exception {
    // max.poll.records=1: one poll() call hands out one record, which alone would run on the
    // consumer's thread; the runner also takes the second, already fetched, so both meet in the
    // stage.
    Settings s = ownTopics("gather").with("kafka.consumer.max.poll.records", "1");
    Topics topics = Topics.from(s);
    topics.ensureExist(s);
    AvroCodec<ImageEvent> codec = new AvroCodec<>(ImageEvent.class);
    byte[] png = ImagesTest.encode(ImagesTest.gradient(4, 4), "png");
    try (KafkaProducer<byte[], byte[]> p =
        new KafkaProducer<>(s.producer(), new ByteArraySerializer(), new ByteArraySerializer())) {
      for (String id : List.of("a", "b")) {
        p.send(new ProducerRecord<>(topics.images(), "k".getBytes(), codec.encode(event(id, png))))
            .get();
      }
    }
    PairStage stage = new PairStage();
    StageRunner<ImageEvent, ImageEvent> runner = pairRunner(s, topics, stage, "test-gather");
    Thread t = new Thread(runner);
    t.start();
    try {
      assertTrue(
          stage.passed.await(25, java.util.concurrent.TimeUnit.SECONDS),
          "both records were in the stage at the same time");
      stage.release.countDown();
      assertEquals(
          java.util.Set.of("a", "b"),
          readAll(topics.boxes(), 2).stream()
              .map(r -> codec.decode(r.value()).getId())
              .collect(java.util.stream.Collectors.toSet()));
    } finally {
      stage.release.countDown();
      runner.close();
      t.join();
    }
  }

  @Test
  void withTwoThreadsTheNextPollStartsWhileThePreviousPollsLastRecordStillRuns() throws Exception {
    // "b" is written only once "a" is in the stage, so it comes in a later poll. Without the
    // overlap, that poll waited for "a", whose lone barrier wait then timed out.
    Settings s = ownTopics("overlap");
    Topics topics = Topics.from(s);
    topics.ensureExist(s);
    AvroCodec<ImageEvent> codec = new AvroCodec<>(ImageEvent.class);
    byte[] png = ImagesTest.encode(ImagesTest.gradient(4, 4), "png");
    PairStage stage = new PairStage();
    StageRunner<ImageEvent, ImageEvent> runner = pairRunner(s, topics, stage, "test-overlap");
    Thread t = new Thread(runner);
    t.start();
    try (KafkaProducer<byte[], byte[]> p =
            new KafkaProducer<>(
                s.producer(), new ByteArraySerializer(), new ByteArraySerializer());
        org.apache.kafka.clients.admin.Admin admin =
            org.apache.kafka.clients.admin.Admin.create(s.kafka())) {
      p.send(new ProducerRecord<>(topics.images(), "k".getBytes(), codec.encode(event("a", png))))
          .get();
      assertTrue(stage.entered.await(25, java.util.concurrent.TimeUnit.SECONDS), "a started");
      p.send(new ProducerRecord<>(topics.images(), "k".getBytes(), codec.encode(event("b", png))))
          .get();
      assertTrue(
          stage.passed.await(15, java.util.concurrent.TimeUnit.SECONDS),
          "b, from a later poll, was in the stage while a still was");
      assertEquals(0L, committed(admin, "test-overlap"), "nothing committed while both run");
      stage.release.countDown();
      assertEquals(
          List.of("a", "b"),
          readAll(topics.boxes(), 2).stream().map(r -> codec.decode(r.value()).getId()).toList(),
          "outputs in record order");
      awaitCommitted(admin, "test-overlap", 2);
      assertEquals(2L, committed(admin, "test-overlap"), "both committed after their outputs");
      assertEquals(0, runner.failedCount());
    } finally {
      stage.release.countDown();
      runner.close();
      t.join();
    }
  }

  /** The end offset of every partition of {@code topic}. */
  static Map<org.apache.kafka.common.TopicPartition, Long> endOffsetsOf(Settings s, String topic) {
    try (KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(
            s.consumer(), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<org.apache.kafka.common.TopicPartition> parts =
          c.partitionsFor(topic).stream()
              .map(pi -> new org.apache.kafka.common.TopicPartition(pi.topic(), pi.partition()))
              .toList();
      return new java.util.HashMap<>(c.endOffsets(parts));
    }
  }

  /**
   * Without a pool, a poll of two one-record batches: the first batch's output is produced while
   * the second is still in the stage, and nothing is committed until both outputs are acknowledged
   * (SaliencyRestartIT kills the saliency service in that window).
   */
  @Test
  void withOneThreadAPollsFirstBatchGoesOutWhileItsSecondIsComputed() throws Exception {
    Settings s = ownTopics("batches");
    Topics topics = Topics.from(s);
    topics.ensureExist(s);
    AvroCodec<ImageEvent> codec = new AvroCodec<>(ImageEvent.class);
    byte[] png = ImagesTest.encode(ImagesTest.gradient(4, 4), "png");
    try (KafkaProducer<byte[], byte[]> p =
        new KafkaProducer<>(s.producer(), new ByteArraySerializer(), new ByteArraySerializer())) {
      // Same key, same partition, both written before the runner starts: one poll holds both.
      for (String id : List.of("a", "b"))
        p.send(new ProducerRecord<>(topics.images(), "k".getBytes(), codec.encode(event(id, png))))
            .get();
    }
    java.util.concurrent.CountDownLatch inB = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    Stage<ImageEvent, ImageEvent> stage =
        new Stage<>() {
          public String name() {
            return "batches";
          }

          public List<Outcome<ImageEvent>> process(List<ImageEvent> inputs) {
            if (inputs.get(0).getId().toString().equals("b")) {
              inB.countDown();
              try {
                if (!release.await(40, java.util.concurrent.TimeUnit.SECONDS))
                  throw new IllegalStateException("never released");
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
            return inputs.stream().map(e -> Outcome.ok(List.of(e))).toList();
          }
        };
    StageRunner<ImageEvent, ImageEvent> runner = runner(s, topics, stage, "test-batches", 1);
    Thread t = new Thread(runner);
    t.start();
    try (org.apache.kafka.clients.admin.Admin admin =
        org.apache.kafka.clients.admin.Admin.create(s.kafka())) {
      assertTrue(inB.await(25, java.util.concurrent.TimeUnit.SECONDS), "b reached the stage");
      List<ConsumerRecord<byte[], byte[]>> first = readAll(topics.boxes(), 1);
      assertEquals(1, first.size(), "a's output is out while b is in the stage");
      assertEquals("a", codec.decode(first.get(0).value()).getId().toString());
      assertEquals(0L, committed(admin, "test-batches"), "nothing committed while b is computed");
      release.countDown();
      assertEquals(2, readAll(topics.boxes(), 2).size());
      awaitCommitted(admin, "test-batches", 2);
      assertEquals(2L, committed(admin, "test-batches"));
    } finally {
      release.countDown();
      runner.close();
      t.join();
    }
  }

  /** The test settings with input, output and dead-letter topics of this test's own. */
  private static Settings ownTopics(String name) {
    return settings
        .with("topic.images", name + "-in")
        .with("topic.boxes", name + "-out")
        .with("topic.dead.letter", name + "-dead");
  }

  /**
   * A runner of {@code stage} from the images topic to the boxes topic, in consumer group {@code
   * group}.
   */
  private static StageRunner<ImageEvent, ImageEvent> runner(
      Settings s, Topics topics, Stage<ImageEvent, ImageEvent> stage, String group, int batchSize) {
    return new StageRunner<>(
        s,
        stage,
        ImageEvent.class,
        ImageEvent.class,
        ImageEvent::getId,
        topics.images(),
        topics.boxes(),
        group,
        batchSize);
  }

  /** A runner of {@code stage} with two pool threads, from the images topic to the boxes topic. */
  private static StageRunner<ImageEvent, ImageEvent> pairRunner(
      Settings s, Topics topics, PairStage stage, String group) {
    return runner(s, topics, stage, group, 1).threads(2);
  }

  /** Waits up to 20 s for {@code group}'s committed offsets to reach {@code n}. */
  private static void awaitCommitted(
      org.apache.kafka.clients.admin.Admin admin, String group, long n) throws Exception {
    long deadline = System.currentTimeMillis() + 20_000;
    while (committed(admin, group) < n && System.currentTimeMillis() < deadline) {
      Thread.sleep(100);
    }
  }

  private static long committed(org.apache.kafka.clients.admin.Admin admin, String group)
      throws Exception {
    return admin
        .listConsumerGroupOffsets(group)
        .partitionsToOffsetAndMetadata()
        .get()
        .values()
        .stream()
        .filter(o -> o != null)
        .mapToLong(org.apache.kafka.clients.consumer.OffsetAndMetadata::offset)
        .sum();
  }

  static ImageEvent event(String id, byte[] image) {
    return ImageEvent.newBuilder()
        .setId(id)
        .setImageBytes(ByteBuffer.wrap(image))
        .setProducedAt(Instant.now())
        .build();
  }

  static List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int expected) {
    return readAllFrom(settings, topic, expected);
  }

  /** Reads {@code topic} from the start until {@code expected} records came (or 30 s passed). */
  static List<ConsumerRecord<byte[], byte[]>> readAllFrom(
      Settings settings, String topic, int expected) {
    Properties c = settings.consumer();
    c.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + topic + "-" + System.nanoTime());
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.currentTimeMillis() + 30_000;
      while (out.size() < expected && System.currentTimeMillis() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
    return out;
  }
}
