package org.wsol.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wsol.broker.EmbeddedBroker;
import org.wsol.cli.chaos.ServiceProcess;
import org.wsol.common.avro.AvroCodec;
import org.wsol.common.avro.WireFormat;
import org.wsol.common.config.Settings;
import org.wsol.common.kafka.TopicTail;
import org.wsol.common.kafka.Topics;
import org.wsol.results.http.ResultJson;
import org.wsol.results.service.ResultsService;
import org.wsol.schema.Box;
import org.wsol.schema.BoxResult;
import org.wsol.schema.ClassBox;
import org.wsol.schema.LocalizationResult;

/**
 * The results service (its own process) is killed with SIGKILL mid-stream and started again: no
 * image loses its result, none is emitted twice on the results topic (read_committed), and {@code
 * GET /images/{id}} answers for every image afterwards.
 *
 * <p>The stream is cut so that the store must carry work across the crash: images 0-19 are complete
 * before the first kill (their results committed), images 20-39 have their first box in before it
 * and their second box after, and boxes of images 0-4 come again after it (a segmenter's replay),
 * which must not emit a second result. A restart that lost the store would leave 20-39 waiting
 * (incomplete after results.timeout.ms) and emit 0-4 twice.
 *
 * <p>Two restarts: on the same {@code results.state.dir}, and on an empty one, where the store is
 * rebuilt from its changelog topic. The first also kills a second process in the middle of a
 * transaction, deterministically: that process commits only every ten minutes, so the results it
 * wrote before the kill are seen with read_uncommitted and never with read_committed; they are
 * aborted, and the third process redoes them once.
 */
class ResultsCrashIT {
  static final int COMPLETE_FIRST = 20;
  static final int IMAGES = 40;
  static final int REPLAYED = 5;
  private static final Pattern API = Pattern.compile("http://[^:\\s]+:(\\d+)/images");
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path tmp;

  @Test
  void restartOnTheSameStateDirectoryAfterAKillBetweenAndAKillInsideATransaction()
      throws Exception {
    try (EmbeddedBroker broker = EmbeddedBroker.start()) {
      Settings s = settings(broker);
      Path state = tmp.resolve("state");
      List<ServiceProcess> started = new ArrayList<>();
      try (KafkaProducer<String, byte[]> producer = producer(s);
          TopicTail results = new TopicTail(s, Topics.from(s).results())) {
        ServiceProcess first = start(broker, state, false, "results-1", started);
        int before = completeTheFirstImagesThenKill(s, producer, results, first);

        // A process that does not commit within the test: what it emits stays in an open
        // transaction.
        ServiceProcess second = start(broker, state, true, "results-2", started);
        awaitReady(second);
        for (int i = COMPLETE_FIRST; i < COMPLETE_FIRST + 10; i++) {
          send(s, producer, box("img-" + i, 2));
        }
        producer.flush();
        Set<String> written =
            awaitUncommitted(s, ids(COMPLETE_FIRST, COMPLETE_FIRST + 10), Duration.ofSeconds(120));
        second.kill();
        assertEquals(
            before,
            results.records().size(),
            "the second process's results were written but not committed when it was killed: "
                + written);

        sendTheRest(s, producer, COMPLETE_FIRST + 10);
        ServiceProcess third = start(broker, state, false, "results-3", started);
        String summary = assertEveryImageOnceAndServed(s, results, third);
        int inLog = resultsInLog(s);
        assertTrue(
            inLog > IMAGES,
            "the aborted results of the killed transaction are in the log ("
                + inLog
                + " records), unseen by read_committed");
        System.out.printf(
            "ResultsCrashIT (same state dir): %d results committed before the first kill, "
                + "%d written in the transaction the second kill cut, %d result records in the log "
                + "(aborted ones included); %s%n",
            before, written.size(), inLog, summary);
      } finally {
        for (ServiceProcess p : started) {
          p.close();
        }
      }
    }
  }

  @Test
  void restartOnAnEmptyStateDirectoryRebuildsTheStoreFromTheChangelog() throws Exception {
    try (EmbeddedBroker broker = EmbeddedBroker.start()) {
      Settings s = settings(broker);
      List<ServiceProcess> started = new ArrayList<>();
      try (KafkaProducer<String, byte[]> producer = producer(s);
          TopicTail results = new TopicTail(s, Topics.from(s).results())) {
        Path firstState = tmp.resolve("state-1");
        ServiceProcess first = start(broker, firstState, false, "results-1", started);
        int before = completeTheFirstImagesThenKill(s, producer, results, first);

        sendTheRest(s, producer, COMPLETE_FIRST);
        Path empty = tmp.resolve("state-2");
        ServiceProcess second = start(broker, empty, false, "results-2", started);
        String summary = assertEveryImageOnceAndServed(s, results, second);
        assertTrue(
            Files.list(empty).findAny().isPresent(), "the second process kept its store there");
        System.out.printf(
            "ResultsCrashIT (empty state dir): %d results committed before the kill, the rest "
                + "after a restart with the store rebuilt from the changelog; %s%n",
            before, summary);
      } finally {
        for (ServiceProcess p : started) {
          p.close();
        }
      }
    }
  }

  /**
   * Sends both boxes of images 0-19 and the first box of 20-39, waits until the 20 results are
   * committed and every box is (so the first boxes of 20-39 are in the store's changelog), and
   * kills the process.
   *
   * @return the results committed before the kill
   */
  private static int completeTheFirstImagesThenKill(
      Settings s, KafkaProducer<String, byte[]> producer, TopicTail results, ServiceProcess p)
      throws Exception {
    for (int i = 0; i < IMAGES; i++) {
      send(s, producer, box("img-" + i, 1));
      if (i < COMPLETE_FIRST) {
        send(s, producer, box("img-" + i, 2));
      }
    }
    producer.flush();
    results.await(rs -> rs.size() >= COMPLETE_FIRST, Duration.ofSeconds(120));
    Faults.awaitCaughtUp(
        s, ResultsService.APPLICATION_ID, Topics.from(s).boxes(), Duration.ofSeconds(60));
    p.kill();
    int before = results.records().size();
    assertEquals(COMPLETE_FIRST, before, "only the complete images have results before the kill");
    return before;
  }

  /**
   * While the service is down: the second box of images {@code from}-39, and both boxes of images
   * 0-4 again (a segmenter that redid them).
   */
  private static void sendTheRest(Settings s, KafkaProducer<String, byte[]> producer, int from)
      throws Exception {
    for (int i = from; i < IMAGES; i++) {
      send(s, producer, box("img-" + i, 2));
    }
    for (int i = 0; i < REPLAYED; i++) {
      send(s, producer, box("img-" + i, 1));
      send(s, producer, box("img-" + i, 2));
    }
    producer.flush();
  }

  private static String assertEveryImageOnceAndServed(
      Settings s, TopicTail results, ServiceProcess p) throws Exception {
    List<ConsumerRecord<byte[], byte[]>> all =
        Faults.awaitThenQuiet(results, IMAGES, Duration.ofSeconds(3), Duration.ofSeconds(120));
    String summary = Faults.assertExactlyOneCompleteResult(all, ids(0, IMAGES));
    Faults.awaitCaughtUp(
        s, ResultsService.APPLICATION_ID, Topics.from(s).boxes(), Duration.ofSeconds(60));
    assertEquals(IMAGES, results.records().size(), "no late duplicate once every box is read");
    int port = port(p);
    for (String id : ids(0, IMAGES)) {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/images/" + id))
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), id + ": " + r.body());
      JsonNode json = ResultJson.read(r.body());
      assertEquals(id, json.get("image_id").asText());
      assertTrue(json.get("complete").asBoolean(), id + ": " + r.body());
      assertEquals(2, json.get("boxes").size(), id + ": " + r.body());
    }
    return summary + ", each served by GET /images/{id}";
  }

  private static Settings settings(EmbeddedBroker broker) {
    Settings s =
        Settings.load(null, Map.of(), Map.of("bootstrap.servers", broker.bootstrapServers()));
    Topics.from(s).ensureExist(s);
    return s;
  }

  /**
   * {@code wsol results} in a process of its own; a killed member's partitions move after 6 s, not
   * 45.
   */
  private static ServiceProcess start(
      EmbeddedBroker broker,
      Path stateDir,
      boolean neverCommits,
      String name,
      List<ServiceProcess> started)
      throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "results",
                "-b",
                broker.bootstrapServers(),
                "--set",
                "results.http.port=0",
                "--set",
                "results.state.dir=" + stateDir,
                "--set",
                "results.previews.max.images=0",
                "--set",
                "kafka.streams.session.timeout.ms=6000",
                "--set",
                "kafka.streams.heartbeat.interval.ms=1000"));
    if (neverCommits) {
      // Ten minutes, far beyond the test; Streams wants the transaction timeout at least as long.
      args.addAll(
          List.of(
              "--set",
              "kafka.streams.commit.interval.ms=600000",
              "--set",
              "kafka.streams.producer.transaction.timeout.ms=600000"));
    }
    ServiceProcess p =
        ServiceProcess.start(
            name, List.of("-Xmx256m"), args, stateDir.resolveSibling(name + ".log"));
    started.add(p);
    p.awaitOutput("/images", Duration.ofSeconds(180)); // JVM start: slow on a loaded machine
    return p;
  }

  private static int port(ServiceProcess p) {
    Matcher m = API.matcher(p.output());
    assertTrue(m.find(), "no API address in " + p.tail());
    return Integer.parseInt(m.group(1));
  }

  /** Waits until the process's stream is RUNNING (its partitions assigned and restored). */
  private static void awaitReady(ServiceProcess p) throws Exception {
    URI ready = URI.create("http://127.0.0.1:" + port(p) + "/health/ready");
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (true) {
      try {
        if (HTTP.send(
                    HttpRequest.newBuilder(ready).GET().build(),
                    HttpResponse.BodyHandlers.discarding())
                .statusCode()
            == 200) {
          return;
        }
      } catch (java.io.IOException e) {
        // not listening yet
      }
      if (!p.isAlive() || System.nanoTime() > deadline) {
        throw new TimeoutException(p.name() + " never became ready:\n" + p.tail());
      }
      Thread.sleep(200);
    }
  }

  /**
   * Reads the results topic with read_uncommitted (what was written, committed or not) until it
   * holds a result for each of {@code ids}.
   */
  private static Set<String> awaitUncommitted(Settings s, List<String> ids, Duration timeout)
      throws Exception {
    AvroCodec<LocalizationResult> codec = new AvroCodec<>(LocalizationResult.class);
    Set<String> seen = new HashSet<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    try (KafkaConsumer<byte[], byte[]> c = uncommittedReader(s)) {
      while (!seen.containsAll(ids)) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
          seen.add(codec.decode(r.value()).getImageId());
        }
        if (System.nanoTime() > deadline) {
          throw new TimeoutException("written so far: " + seen);
        }
      }
    }
    seen.retainAll(ids);
    return seen;
  }

  /** Every result record in the log, aborted ones included. */
  private static int resultsInLog(Settings s) {
    try (KafkaConsumer<byte[], byte[]> c = uncommittedReader(s)) {
      Map<TopicPartition, Long> end = c.endOffsets(c.assignment());
      int n = 0;
      while (end.entrySet().stream().anyMatch(e -> c.position(e.getKey()) < e.getValue())) {
        n += c.poll(Duration.ofMillis(200)).count();
      }
      return n;
    }
  }

  private static KafkaConsumer<byte[], byte[]> uncommittedReader(Settings s) {
    Properties p = s.consumer();
    p.remove(ConsumerConfig.GROUP_ID_CONFIG);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
    KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    String topic = Topics.from(s).results();
    List<TopicPartition> parts =
        c.partitionsFor(topic, Duration.ofSeconds(30)).stream()
            .map(i -> new TopicPartition(topic, i.partition()))
            .toList();
    c.assign(parts);
    c.seekToBeginning(parts);
    return c;
  }

  private static KafkaProducer<String, byte[]> producer(Settings s) {
    return new KafkaProducer<>(
        s.producer(),
        new StringSerializer(),
        new org.apache.kafka.common.serialization.ByteArraySerializer());
  }

  private static void send(Settings s, KafkaProducer<String, byte[]> producer, BoxResult b) {
    byte[] bytes = WireFormat.from(s).serde(BoxResult.class).serializer().serialize(null, b);
    producer.send(new ProducerRecord<>(Topics.from(s).boxes(), b.getImageId(), bytes));
  }

  private static List<String> ids(int from, int to) {
    List<String> ids = new ArrayList<>();
    for (int i = from; i < to; i++) {
      ids.add("img-" + i);
    }
    return ids;
  }

  /** Class {@code rank} of the top 2 of an image, boxed. */
  static BoxResult box(String id, int rank) {
    return BoxResult.newBuilder()
        .setImageId(id)
        .setTopK(2)
        .setBox(
            new ClassBox(
                rank * 10,
                "class " + rank,
                rank,
                5f,
                new Box(0, 0, 10 * rank, 10),
                7,
                "seg",
                List.of()))
        .setOriginalWidth(100)
        .setOriginalHeight(80)
        .setModelId("m")
        .setGroundTruth(null)
        .setImageProducedAt(java.time.Instant.now())
        .setSaliencyMs(1)
        .setSegmentMs(1)
        .build();
  }
}
