package org.wsol.results.streams;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wsol.common.avro.WireFormat;
import org.wsol.common.config.Defaults;
import org.wsol.common.config.Settings;
import org.wsol.results.service.ResultsConfig;
import org.wsol.schema.Box;
import org.wsol.schema.BoxResult;
import org.wsol.schema.ClassBox;
import org.wsol.schema.DeadLetter;
import org.wsol.schema.GroundTruth;
import org.wsol.schema.LocalizationResult;
import org.wsol.schema.ResultState;

class ResultsTopologyTest {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  static final long TIMEOUT = 5_000;
  static final Settings SETTINGS =
      Settings.of(Defaults.VALUES).with("results.timeout.ms", "" + TIMEOUT);
  static final WireFormat WIRE = WireFormat.from(SETTINGS);

  @TempDir Path state;
  TopologyTestDriver driver;
  TestInputTopic<String, byte[]> boxes;
  TestOutputTopic<String, LocalizationResult> results;
  TestOutputTopic<byte[], DeadLetter> deadLetters;
  TestInputTopic<String, byte[]> deadLetterIn;
  Serde<BoxResult> boxSerde = WIRE.serde(BoxResult.class);

  @BeforeEach
  void start() {
    java.util.Properties p = new java.util.Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "results-test");
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    p.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
    driver =
        new TopologyTestDriver(
            ResultsTopology.build(
                SETTINGS,
                ResultsConfig.from(SETTINGS).timeout(),
                new ResultsTopology.Listener() {}),
            p,
            T0);
    boxes = driver.createInputTopic("boxes", new StringSerializer(), new ByteArraySerializer());
    results =
        driver.createOutputTopic(
            "results",
            new StringDeserializer(),
            WIRE.serde(LocalizationResult.class).deserializer());
    deadLetterIn =
        driver.createInputTopic("dead-letter", new StringSerializer(), new ByteArraySerializer());
    deadLetters =
        driver.createOutputTopic(
            "dead-letter",
            new ByteArrayDeserializer(),
            WIRE.serde(DeadLetter.class).deserializer());
  }

  @AfterEach
  void stop() {
    driver.close();
  }

  static BoxResult box(
      String id, int rank, int topK, int cls, Box b, GroundTruth gt, Instant producedAt) {
    return BoxResult.newBuilder()
        .setImageId(id)
        .setTopK(topK)
        .setBox(new ClassBox(cls, "class " + cls, rank, 10f - rank, b, 42, "seg-1", List.of()))
        .setOriginalWidth(640)
        .setOriginalHeight(480)
        .setModelId("test-model")
        .setGroundTruth(gt)
        .setImageProducedAt(producedAt)
        .setSaliencyMs(1f)
        .setSegmentMs(2f)
        .build();
  }

  void send(BoxResult b) {
    boxes.pipeInput(b.getImageId(), boxSerde.serializer().serialize("boxes", b));
  }

  ResultState stored(String id) {
    KeyValueStore<String, ResultState> s = driver.getKeyValueStore(ResultsTopology.STATE_STORE);
    return s.get(id);
  }

  @Test
  void emitsOnceAllBoxesAreInWithLatencyFromProduction() {
    Instant produced = T0.minusMillis(1_500);
    send(box("a", 2, 2, 5, new Box(1, 2, 30, 40), null, produced));
    assertTrue(results.isEmpty(), "one of two boxes is not a result");
    driver.advanceWallClockTime(Duration.ofMillis(250));
    send(box("a", 1, 2, 9, new Box(0, 0, 10, 10), null, produced));

    List<KeyValue<String, LocalizationResult>> out = results.readKeyValuesToList();
    assertEquals(1, out.size());
    assertEquals("a", out.get(0).key);
    LocalizationResult r = out.get(0).value;
    assertTrue(r.getComplete());
    assertEquals(List.of(), r.getMissingRanks());
    assertEquals(List.of(1, 2), r.getBoxes().stream().map(ClassBox::getRank).toList());
    assertEquals(9, r.getBoxes().get(0).getClassIndex());
    assertEquals(new Box(1, 2, 30, 40), r.getBoxes().get(1).getBox());
    assertEquals(1_500 + 250, r.getLatencyMs()); // completion (wall clock) minus image_produced_at
    assertEquals(T0.plusMillis(250), r.getCompletedAt());
    assertEquals(640, r.getOriginalWidth());
    assertEquals("test-model", r.getModelId());
    assertNull(r.getScore(), "no ground truth, no score");
    assertTrue(deadLetters.isEmpty());
  }

  @Test
  void aBoxDeliveredTwiceCountsOnceAndACompleteResultIsNeverEmittedAgain() {
    send(box("b", 1, 3, 1, new Box(0, 0, 5, 5), null, T0));
    send(box("b", 1, 3, 1, new Box(0, 0, 5, 5), null, T0)); // replayed upstream
    send(box("b", 2, 3, 2, new Box(0, 0, 6, 6), null, T0));
    assertTrue(results.isEmpty(), "rank 1 twice + rank 2 is still one box short of three");
    send(box("b", 3, 3, 3, new Box(0, 0, 7, 7), null, T0));
    LocalizationResult r = results.readValue();
    assertEquals(List.of(1, 2, 3), r.getBoxes().stream().map(ClassBox::getRank).toList());

    send(box("b", 2, 3, 2, new Box(0, 0, 6, 6), null, T0)); // late duplicates of a finished image
    send(box("b", 3, 3, 3, new Box(0, 0, 7, 7), null, T0));
    driver.advanceWallClockTime(Duration.ofMillis(3 * TIMEOUT));
    assertTrue(results.isEmpty(), "a finished image emits nothing more, not even at the timeout");
    assertEquals(3, stored("b").getDuplicates());
    assertEquals(3, stored("b").getResult().getBoxes().size());
  }

  @Test
  void aMissingBoxTimesOutAsIncompleteWithItsRanksThenCompletesOnceWhenItComesLate() {
    send(box("c", 1, 3, 1, new Box(0, 0, 5, 5), null, T0));
    driver.advanceWallClockTime(Duration.ofMillis(TIMEOUT - 100));
    send(box("c", 3, 3, 3, new Box(0, 0, 7, 7), null, T0));
    assertTrue(results.isEmpty(), "not yet timed out");
    driver.advanceWallClockTime(Duration.ofMillis(1_500));

    LocalizationResult r = results.readValue();
    assertFalse(r.getComplete());
    assertEquals(List.of(2), r.getMissingRanks());
    assertEquals(List.of(1, 3), r.getBoxes().stream().map(ClassBox::getRank).toList());
    assertTrue(
        r.getLatencyMs() >= TIMEOUT && r.getLatencyMs() <= TIMEOUT + 1_500,
        "latency " + r.getLatencyMs());
    driver.advanceWallClockTime(Duration.ofMillis(3 * TIMEOUT));
    assertTrue(results.isEmpty(), "timed out once, emitted once");

    send(box("c", 2, 3, 2, new Box(0, 0, 6, 6), null, T0)); // the straggler
    LocalizationResult late = results.readValue();
    assertTrue(late.getComplete());
    assertEquals(List.of(1, 2, 3), late.getBoxes().stream().map(ClassBox::getRank).toList());
    send(box("c", 2, 3, 2, new Box(0, 0, 6, 6), null, T0));
    driver.advanceWallClockTime(Duration.ofMillis(3 * TIMEOUT));
    assertTrue(results.isEmpty());

    // The latest-results index holds the image once, at its final completion time.
    KeyValueStore<String, String> recent = driver.getKeyValueStore(ResultsTopology.RECENT_STORE);
    try (KeyValueIterator<String, String> it = recent.all()) {
      assertEquals("c", it.next().value);
      assertFalse(it.hasNext());
    }
    KeyValueStore<String, String> pending = driver.getKeyValueStore(ResultsTopology.PENDING_STORE);
    try (KeyValueIterator<String, String> it = pending.all()) {
      assertFalse(it.hasNext(), "nothing left waiting");
    }
  }

  @Test
  void groundTruthAddsRankZeroToTheExpectedBoxesAndScoresTheResult() {
    GroundTruth gt = new GroundTruth(7, List.of(new Box(0, 0, 10, 10)));
    send(box("d", 1, 2, 7, new Box(5, 0, 15, 10), gt, T0)); // right class, IoU 50/150
    send(box("d", 2, 2, 4, new Box(0, 0, 10, 10), gt, T0)); // wrong class
    assertTrue(results.isEmpty(), "with ground truth the rank-0 box is expected too");
    assertEquals(List.of(0), stored("d").getResult().getMissingRanks());
    send(box("d", 0, 2, 7, new Box(0, 0, 10, 5), gt, T0)); // true class: IoU 0.5

    LocalizationResult r = results.readValue();
    assertTrue(r.getComplete());
    assertEquals(List.of(0, 1, 2), r.getBoxes().stream().map(ClassBox::getRank).toList());
    assertEquals(gt, r.getGroundTruth());
    assertEquals(1f / 3, r.getScore().getTop1Iou(), 1e-6);
    assertFalse(r.getScore().getTop1Correct());
    assertFalse(r.getScore().getTop5Correct());
    assertEquals(0.5f, r.getScore().getGtKnownIou(), 1e-6);
  }

  @Test
  void timedOutResultWithGroundTruthNamesRankZeroMissingAndIsStillScored() {
    GroundTruth gt = new GroundTruth(7, List.of(new Box(0, 0, 10, 10)));
    send(box("e", 1, 1, 7, new Box(0, 0, 10, 10), gt, T0));
    driver.advanceWallClockTime(Duration.ofMillis(TIMEOUT + 1_000));
    LocalizationResult r = results.readValue();
    assertFalse(r.getComplete());
    assertEquals(List.of(0), r.getMissingRanks());
    assertEquals(1f, r.getScore().getTop1Iou(), 1e-6);
    assertTrue(r.getScore().getTop1Correct());
    assertEquals(0f, r.getScore().getGtKnownIou());
  }

  @Test
  void badBoxesGoToTheDeadLetterTopicAndTheRestCarriesOn() {
    byte[] garbage = "not avro".getBytes(StandardCharsets.UTF_8);
    boxes.pipeInput("x", garbage);
    send(box("f", 0, 1, 7, new Box(0, 0, 1, 1), null, T0)); // rank 0 without ground truth
    send(box("f", 4, 1, 7, new Box(0, 0, 1, 1), null, T0)); // rank beyond top_k
    BoxResult mislabelled = box("g", 1, 1, 7, new Box(0, 0, 1, 1), null, T0);
    boxes.pipeInput("not-g", boxSerde.serializer().serialize("boxes", mislabelled));
    send(box("f", 1, 1, 7, new Box(0, 0, 1, 1), null, T0));
    send(box("f", 1, 2, 7, new Box(0, 0, 1, 1), null, T0)); // top_k contradicts the first box

    List<KeyValue<byte[], DeadLetter>> dead = deadLetters.readKeyValuesToList();
    assertEquals(5, dead.size());
    assertArrayEquals(garbage, dead.get(0).value.getValue().array());
    assertArrayEquals("x".getBytes(StandardCharsets.UTF_8), dead.get(0).key);
    assertEquals("results", dead.get(0).value.getStage());
    assertEquals("boxes", dead.get(0).value.getSourceTopic());
    assertEquals(0, dead.get(0).value.getSourceOffset());
    assertTrue(
        dead.get(0).value.getReason().startsWith("not a BoxResult"), dead.get(0).value.getReason());
    assertTrue(dead.get(1).value.getReason().contains("rank 0"), dead.get(1).value.getReason());
    assertTrue(dead.get(2).value.getReason().contains("rank 4"), dead.get(2).value.getReason());
    assertTrue(
        dead.get(3).value.getReason().contains("not the image id"), dead.get(3).value.getReason());
    assertTrue(dead.get(4).value.getReason().contains("top_k=2"), dead.get(4).value.getReason());
    // The valid box still completed its image; the contradicting one after it did not count.
    List<LocalizationResult> out = results.readValuesToList();
    assertEquals(1, out.size());
    assertEquals("f", out.get(0).getImageId());
    assertTrue(out.get(0).getComplete());
  }

  /**
   * A stage's dead letter as StageRunner writes it: keyed by the refused record's key, its bytes
   * inside.
   */
  void refuse(String id, String stage, String sourceTopic, byte[] original, String reason) {
    DeadLetter d =
        DeadLetter.newBuilder()
            .setStage(stage)
            .setReason(reason)
            .setErrorClass("org.wsol.common.kafka.BadRecordException")
            .setSourceTopic(sourceTopic)
            .setSourcePartition(0)
            .setSourceOffset(7)
            .setKey(java.nio.ByteBuffer.wrap(id.getBytes(StandardCharsets.UTF_8)))
            .setValue(original == null ? null : java.nio.ByteBuffer.wrap(original))
            .setFailedAt(T0)
            .setWorker(stage + "-1")
            .build();
    deadLetterIn.pipeInput(
        id, WIRE.serde(DeadLetter.class).serializer().serialize("dead-letter", d));
  }

  @Test
  void anImageTheSaliencyStageRefusesEndsOnceAsRejectedWithTheStageAndTheReason() {
    GroundTruth gt = new GroundTruth(7, List.of(new Box(0, 0, 10, 10)));
    org.wsol.schema.ImageEvent sent =
        org.wsol.schema.ImageEvent.newBuilder()
            .setId("photo")
            .setImageBytes(
                java.nio.ByteBuffer.wrap("hello, not a picture".getBytes(StandardCharsets.UTF_8)))
            .setTopK(3)
            .setGroundTruth(gt)
            .setProducedAt(T0.minusMillis(800))
            .build();
    byte[] original =
        WIRE.serde(org.wsol.schema.ImageEvent.class).serializer().serialize("images", sent);
    String reason =
        "unsupported or unrecognised image format (20 bytes): send JPEG, PNG, BMP or GIF";
    refuse("photo", "saliency", "images", original, reason);
    refuse("photo", "saliency", "images", original, reason); // replayed after a crash

    List<KeyValue<String, LocalizationResult>> out = results.readKeyValuesToList();
    assertEquals(1, out.size(), "one terminal result, even for a refusal delivered twice");
    assertEquals("photo", out.get(0).key);
    LocalizationResult r = out.get(0).value;
    assertEquals("rejected", r.getStatus());
    assertEquals("saliency", r.getRejection().getStage());
    assertEquals(reason, r.getRejection().getReason());
    assertFalse(r.getComplete());
    assertEquals(List.of(), r.getBoxes());
    assertEquals(3, r.getTopK(), "what the refused image event said");
    assertEquals(List.of(0, 1, 2, 3), r.getMissingRanks(), "an old reader sees every rank missing");
    assertEquals(800, r.getLatencyMs(), "from the image's production to the refusal's arrival");
    assertEquals(gt, r.getGroundTruth());
    assertTrue(stored("photo").getEmitted());
    assertTrue(deadLetters.isEmpty(), "the refusal is read, not written again");

    send(
        box(
            "photo",
            1,
            3,
            7,
            new Box(0, 0, 5, 5),
            gt,
            T0)); // an earlier copy of the image, processed late
    driver.advanceWallClockTime(Duration.ofMillis(3 * TIMEOUT));
    assertTrue(
        results.isEmpty(), "a rejected image stays rejected: no box, no timeout re-emits it");
    KeyValueStore<String, String> recent = driver.getKeyValueStore(ResultsTopology.RECENT_STORE);
    try (KeyValueIterator<String, String> it = recent.all()) {
      assertEquals("photo", it.next().value, "GET /images lists it");
      assertFalse(it.hasNext());
    }
  }

  @Test
  void aSegmenterRefusalKeepsTheBoxesThatCameAndEndsThePendingImageAtOnce() {
    send(box("h", 1, 3, 1, new Box(0, 0, 5, 5), null, T0));
    send(box("h", 3, 3, 3, new Box(0, 0, 7, 7), null, T0));
    refuse(
        "h",
        "segmenter",
        "saliency",
        "not a map".getBytes(StandardCharsets.UTF_8),
        "saliency map of rank 2 holds NaN values");
    LocalizationResult r = results.readValue();
    assertEquals("rejected", r.getStatus());
    assertEquals("segmenter", r.getRejection().getStage());
    assertEquals(List.of(1, 3), r.getBoxes().stream().map(ClassBox::getRank).toList());
    assertEquals(List.of(2), r.getMissingRanks());
    assertEquals(640, r.getOriginalWidth(), "known from its boxes");
    driver.advanceWallClockTime(Duration.ofMillis(3 * TIMEOUT));
    assertTrue(results.isEmpty(), "no incomplete result after the rejected one");
    KeyValueStore<String, String> pending = driver.getKeyValueStore(ResultsTopology.PENDING_STORE);
    try (KeyValueIterator<String, String> it = pending.all()) {
      assertFalse(it.hasNext(), "nothing left waiting");
    }
  }

  @Test
  void refusalsThatEndNoImageChangeNothing() {
    send(box("done", 1, 1, 1, new Box(0, 0, 5, 5), null, T0));
    assertEquals("complete", results.readValue().getStatus());
    refuse("done", "segmenter", "saliency", null, "late refusal of a replayed map");
    refuse(
        "bad-box",
        "results",
        "boxes",
        null,
        "not a BoxResult"); // our own dead letters are not refusals
    deadLetterIn.pipeInput("x", "not a dead letter".getBytes(StandardCharsets.UTF_8));
    deadLetterIn.pipeInput((String) null, new byte[] {1});
    assertTrue(results.isEmpty());
    assertEquals("complete", stored("done").getResult().getStatus());
    assertNull(stored("bad-box"));
    assertTrue(
        deadLetters.isEmpty(), "a dead letter that does not decode is not dead-lettered again");

    send(box("i", 1, 1, 1, new Box(0, 0, 5, 5), null, T0));
    assertTrue(results.readValue().getComplete(), "the topology carries on");
  }
}
