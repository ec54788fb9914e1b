package org.wsol.results.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.wsol.broker.EmbeddedBroker;
import org.wsol.common.avro.WireFormat;
import org.wsol.common.config.Defaults;
import org.wsol.common.config.Settings;
import org.wsol.results.http.ResultJson;
import org.wsol.schema.Box;
import org.wsol.schema.BoxResult;
import org.wsol.schema.ClassBox;
import org.wsol.schema.LocalizationResult;
import org.wsol.schema.MapDtype;
import org.wsol.schema.SaliencyTensor;

/**
 * The results service on a real broker: boxes in, one result out, served over HTTP by whichever
 * instance.
 */
class ResultsServiceIT {
  static EmbeddedBroker broker;
  static Settings settings;
  static ResultsService service;
  static KafkaProducer<String, BoxResult> producer;
  static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    broker = EmbeddedBroker.start();
    settings =
        Settings.of(Defaults.VALUES)
            .with("bootstrap.servers", broker.bootstrapServers())
            .with("results.http.port", "0")
            .with("topic.partitions", "4");
    service = new ResultsService(settings).start();
    Properties p = settings.producer();
    producer =
        new KafkaProducer<>(
            p,
            new StringSerializer(),
            WireFormat.from(settings).serde(BoxResult.class).serializer());
    waitReady(service);
  }

  @AfterAll
  static void stop() {
    if (producer != null) {
      producer.close();
    }
    if (service != null) {
      service.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  static void waitReady(ResultsService s) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 60_000;
    while (!s.isReady() && System.currentTimeMillis() < deadline) {
      Thread.sleep(100);
    }
    assertTrue(s.isReady(), "results service not RUNNING: " + s.state());
  }

  static BoxResult box(String id, int rank, int topK) {
    return BoxResult.newBuilder()
        .setImageId(id)
        .setTopK(topK)
        .setBox(
            new ClassBox(
                rank * 10,
                "class " + rank,
                rank,
                5f,
                new Box(0, 0, 10 * rank, 10),
                7,
                "seg",
                List.of(
                    new org.wsol.schema.Instance(new Box(0, 0, 4 * rank, 10), 1f, 0.75f),
                    new org.wsol.schema.Instance(
                        new Box(6 * rank, 0, 10 * rank, 10), 0.5f, 0.25f))))
        .setOriginalWidth(100)
        .setOriginalHeight(80)
        .setModelId("m")
        .setGroundTruth(null)
        .setImageProducedAt(Instant.now())
        .setSaliencyMs(1)
        .setSegmentMs(1)
        .build();
  }

  static void send(BoxResult b) throws Exception {
    producer.send(new ProducerRecord<>(settings.get("topic.boxes"), b.getImageId(), b)).get();
  }

  static HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void boxesBecomeOneResultOnTheTopicAndOverHttp() throws Exception {
    waitReady(service);
    // A live-stream client first, so it sees the result as it is committed.
    CompletableFuture<HttpResponse<Stream<String>>> sse =
        http.sendAsync(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + service.httpPort() + "/images/stream?id=it-1"))
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofLines());
    HttpResponse<Stream<String>> events = sse.get(10, TimeUnit.SECONDS);
    assertEquals(
        "text/event-stream; charset=utf-8", events.headers().firstValue("Content-Type").orElse(""));
    CompletableFuture<String> firstEvent =
        CompletableFuture.supplyAsync(
            () -> events.body().filter(l -> l.startsWith("data: ")).findFirst().orElse(""));
    Thread.sleep(
        1_500); // the stream's consumer seeks to the end of the results topic when it starts

    send(box("it-1", 2, 2));
    assertEquals(
        202, awaitStatus(service.httpPort(), "/images/it-1", 202), "one box of two: pending");
    send(box("it-1", 1, 2));
    send(box("it-1", 1, 2)); // at-least-once upstream: a replayed box

    List<LocalizationResult> seen = readResults("it-1", Duration.ofSeconds(30), 3_000);
    assertEquals(1, seen.size(), "exactly one result for the image, whatever the replays");
    LocalizationResult r = seen.get(0);
    assertTrue(r.getComplete());
    assertEquals(List.of(1, 2), r.getBoxes().stream().map(ClassBox::getRank).toList());

    HttpResponse<String> one = get(service.httpPort(), "/images/it-1");
    assertEquals(200, one.statusCode(), one.body());
    JsonNode json = ResultJson.read(one.body());
    assertEquals("it-1", json.get("image_id").asText());
    assertTrue(json.get("complete").asBoolean());
    assertEquals(2, json.get("boxes").size());
    assertEquals(20, json.get("boxes").get(1).get("box").get("x_max").asInt());
    // Each class's objects beside its main box.
    JsonNode instances = json.get("boxes").get(1).get("instances");
    assertEquals(2, instances.size(), one.body());
    assertEquals(8, instances.get(0).get("box").get("x_max").asInt());
    assertEquals(0.75, instances.get(0).get("mask_share").asDouble(), 1e-6);
    assertEquals(0.5, instances.get(1).get("score").asDouble(), 1e-6);
    assertEquals(r.getCompletedAt().toString(), json.get("completed_at").asText());

    HttpResponse<String> missing = get(service.httpPort(), "/images/no-such-image");
    assertEquals(404, missing.statusCode());
    assertTrue(
        ResultJson.read(missing.body()).get("error").asText().contains("no-such-image"),
        missing.body());

    HttpResponse<String> latest = get(service.httpPort(), "/images?limit=5");
    assertEquals(200, latest.statusCode(), latest.body());
    assertEquals("it-1", ResultJson.read(latest.body()).get(0).get("image_id").asText());
    assertEquals(400, get(service.httpPort(), "/images?limit=zero").statusCode());

    String data = firstEvent.get(20, TimeUnit.SECONDS);
    JsonNode event = ResultJson.read(data.substring("data: ".length()));
    assertEquals("it-1", event.get("image_id").asText());
    assertEquals(
        12,
        event.get("boxes").get(1).get("instances").get(1).get("box").get("x_min").asInt(),
        "the stream carries the instances too");
    assertEquals(200, get(service.httpPort(), "/health/ready").statusCode());
    String metrics = get(service.httpPort(), "/metrics").body();
    assertTrue(
        metrics.contains("wsol_results_duplicate_boxes_total 1.0"),
        "the replayed box is counted as a duplicate");
    assertTrue(metrics.contains("wsol_results_emitted_total{complete=\"true\"}"));
  }

  @Test
  void aSecondInstanceSharesThePartitionsAndEitherAnswersForEveryImage() throws Exception {
    // Two ids on each of the 4 partitions (the producer's partitioner: murmur2 of the key):
    // whichever partitions
    // each instance owns, it holds some of these images itself.
    List<String> ids = new ArrayList<>();
    int[] perPartition = new int[4];
    for (int i = 0; ids.size() < 8; i++) {
      String id = "two-" + i;
      int partition =
          org.apache.kafka.common.utils.Utils.toPositive(
                  org.apache.kafka.common.utils.Utils.murmur2(
                      id.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
              % 4;
      if (perPartition[partition]++ < 2) {
        ids.add(id);
      }
    }
    // A preview that only the first instance saw: the second starts after it, from the end of the
    // saliency topic.
    byte[] working = sendSaliency("seen-by-first");
    assertEquals(200, awaitStatus(service.httpPort(), "/live/preview?id=seen-by-first", 200));
    try (ResultsService second = new ResultsService(settings).start()) {
      long deadline = System.currentTimeMillis() + 60_000;
      // Wait until the group has rebalanced onto both instances, and stays so: a second instance
      // joining
      // brings a follow-up rebalance, so one RUNNING moment between the two is not enough.
      int stable = 0;
      while (System.currentTimeMillis() < deadline && stable < 10) {
        boolean both =
            second.isReady()
                && service.isReady()
                && get(second.httpPort(), "/images?scope=local&limit=1").statusCode() == 200;
        stable = both ? stable + 1 : 0;
        Thread.sleep(200);
      }
      assertTrue(second.isReady() && service.isReady(), "both instances RUNNING");
      for (String id : ids) {
        send(box(id, 1, 1));
      }
      readResultsUntil(Set.copyOf(ids), Duration.ofSeconds(30));
      Set<String> servedBy = new HashSet<>();
      java.util.Map<Integer, Integer> answeredLocally = new java.util.HashMap<>();
      for (String id : ids) {
        for (ResultsService asked : List.of(service, second)) {
          HttpResponse<String> r = get(asked.httpPort(), "/images/" + id);
          assertEquals(200, r.statusCode(), id + " via port " + asked.httpPort() + ": " + r.body());
          assertEquals(id, ResultJson.read(r.body()).get("image_id").asText());
          r.headers()
              .firstValue("X-Wsol-Served-By")
              .ifPresentOrElse(
                  servedBy::add, () -> answeredLocally.merge(asked.httpPort(), 1, Integer::sum));
        }
      }
      assertFalse(servedBy.isEmpty(), "some queries were forwarded to the owning instance");
      for (ResultsService asked : List.of(service, second)) {
        assertTrue(
            answeredLocally.getOrDefault(asked.httpPort(), 0) > 0,
            "the instance on port "
                + asked.httpPort()
                + " answers some ids from its own store: "
                + answeredLocally);
      }
      assertEquals(
          ids.size(),
          answeredLocally.values().stream().mapToInt(Integer::intValue).sum(),
          "each id is answered locally by exactly one instance (its owner) and forwarded by the other");
      JsonNode all = ResultJson.read(get(second.httpPort(), "/images?limit=100").body());
      Set<String> listed = new HashSet<>();
      all.forEach(n -> listed.add(n.get("image_id").asText()));
      assertTrue(listed.containsAll(ids), "the latest list merges both instances: " + listed);

      HttpResponse<byte[]> preview =
          http.send(
              HttpRequest.newBuilder(
                      URI.create(
                          "http://127.0.0.1:"
                              + second.httpPort()
                              + "/live/preview?id=seen-by-first"))
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertEquals(
          200, preview.statusCode(), "the second instance asks the first for the preview it lacks");
      assertEquals(
          "127.0.0.1:" + service.httpPort(),
          preview.headers().firstValue("X-Wsol-Served-By").orElse(""));
      assertArrayEquals(
          working, preview.body(), "the working image as the saliency service sent it");
      assertEquals(404, get(second.httpPort(), "/live/preview?id=never-seen").statusCode());
    }
  }

  @Test
  void servesTheLivePageItsHeatMapsAndTheStatus() throws Exception {
    HttpResponse<String> root = get(service.httpPort(), "/");
    assertEquals(302, root.statusCode());
    assertEquals("/live/", root.headers().firstValue("Location").orElse(""));
    HttpResponse<String> page = get(service.httpPort(), "/live/");
    assertEquals(200, page.statusCode());
    assertTrue(page.body().contains("<script src=\"gallery.js\"></script>"), page.body());
    assertEquals(200, get(service.httpPort(), "/live/labels.js").statusCode());
    assertEquals(404, get(service.httpPort(), "/live/../pom.xml").statusCode());

    sendSaliency("heat-check");
    assertEquals(200, awaitStatus(service.httpPort(), "/live/heat?id=heat-check&rank=1", 200));
    HttpResponse<byte[]> heat =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:"
                            + service.httpPort()
                            + "/live/heat?id=heat-check&rank=1"))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertEquals("image/png", heat.headers().firstValue("Content-Type").orElse(""));
    java.awt.image.BufferedImage png =
        javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(heat.body()));
    assertEquals(4, png.getWidth());
    assertEquals(3, png.getHeight());
    // The map rises left to right: transparent black at 0, opaque-ish white-hot at the top (the
    // PNGs' ramp).
    assertEquals(0, png.getRGB(0, 0) >>> 24, "no heat, no colour");
    assertEquals(Math.round(255 * 0.55f), png.getRGB(3, 0) >>> 24, "the top level at 55% opacity");
    assertEquals(0xffffff, png.getRGB(3, 0) & 0xffffff, "the top of the ramp is white");
    assertEquals(
        404,
        get(service.httpPort(), "/live/heat?id=heat-check&rank=2").statusCode(),
        "no rank 2 was sent");

    JsonNode status = ResultJson.read(get(service.httpPort(), "/live/status").body());
    assertTrue(
        status.get("lag").has("saliency")
            && status.get("lag").has("segmenter")
            && status.get("lag").has("results"),
        status.toString());
    assertTrue(status.get("dead_letters").asLong() >= 0, "the broker answered: " + status);
    assertTrue(status.get("previews").asInt() >= 1, status.toString());
  }

  /**
   * A rank-1 saliency record of a 4 x 3 image whose map rises from left to right; returns its
   * working image.
   */
  static byte[] sendSaliency(String id) throws Exception {
    java.awt.image.BufferedImage img =
        new java.awt.image.BufferedImage(4, 3, java.awt.image.BufferedImage.TYPE_INT_RGB);
    byte[] jpeg = org.wsol.common.image.RgbImages.jpeg(img, 0.9f);
    java.nio.ByteBuffer map =
        java.nio.ByteBuffer.allocate(4 * 3 * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    for (int y = 0; y < 3; y++) {
      for (int x = 0; x < 4; x++) {
        map.putFloat(x);
      }
    }
    map.flip();
    SaliencyTensor t =
        SaliencyTensor.newBuilder()
            .setImageId(id)
            .setClassIndex(1)
            .setClassLabel("thing")
            .setRank(1)
            .setTopK(1)
            .setScore(3f)
            .setMapHeight(3)
            .setMapWidth(4)
            .setMapDtype(MapDtype.FLOAT32)
            .setMapData(map)
            .setWorkingImage(java.nio.ByteBuffer.wrap(jpeg))
            .setOriginalWidth(8)
            .setOriginalHeight(6)
            .setModelId("m")
            .setGroundTruth(null)
            .setImageProducedAt(Instant.now())
            .setSaliencyMs(1f)
            .build();
    try (KafkaProducer<String, SaliencyTensor> p =
        new KafkaProducer<>(
            settings.producer(),
            new StringSerializer(),
            WireFormat.from(settings).serde(SaliencyTensor.class).serializer())) {
      p.send(new ProducerRecord<>(settings.get("topic.saliency"), id, t)).get();
    }
    return jpeg;
  }

  /**
   * The status of GET path once it is {@code want}, or the last one seen after 20 s (boxes are
   * processed asynchronously).
   */
  static int awaitStatus(int port, String path, int want) throws Exception {
    long deadline = System.currentTimeMillis() + 20_000;
    int status;
    do {
      status = get(port, path).statusCode();
      if (status == want) {
        return status;
      }
      Thread.sleep(100);
    } while (System.currentTimeMillis() < deadline);
    return status;
  }

  static List<LocalizationResult> readResults(String id, Duration timeout, long quietMs) {
    List<LocalizationResult> out = new ArrayList<>();
    try (KafkaConsumer<String, LocalizationResult> c = resultConsumer()) {
      long deadline = System.currentTimeMillis() + timeout.toMillis();
      long quietUntil = Long.MAX_VALUE;
      while (System.currentTimeMillis() < Math.min(deadline, quietUntil)) {
        for (ConsumerRecord<String, LocalizationResult> r : c.poll(Duration.ofMillis(200))) {
          if (r.key().equals(id)) {
            out.add(r.value());
            quietUntil =
                System.currentTimeMillis()
                    + quietMs; // keep listening: a second emission would fail
          }
        }
      }
    }
    assertFalse(out.isEmpty(), "no result for " + id + " within " + timeout);
    return out;
  }

  static void readResultsUntil(Set<String> ids, Duration timeout) {
    Set<String> seen = new HashSet<>();
    try (KafkaConsumer<String, LocalizationResult> c = resultConsumer()) {
      long deadline = System.currentTimeMillis() + timeout.toMillis();
      while (!seen.containsAll(ids) && System.currentTimeMillis() < deadline) {
        c.poll(Duration.ofMillis(200)).forEach(r -> seen.add(r.key()));
      }
    }
    assertTrue(seen.containsAll(ids), "results seen: " + seen);
  }

  static KafkaConsumer<String, LocalizationResult> resultConsumer() {
    Properties p = settings.consumer();
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + System.nanoTime());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    KafkaConsumer<String, LocalizationResult> c =
        new KafkaConsumer<>(
            p,
            new StringDeserializer(),
            WireFormat.from(settings).serde(LocalizationResult.class).deserializer());
    c.subscribe(List.of(settings.get("topic.results")));
    return c;
  }
}
