package org.wsol.cli;

import org.wsol.cli.local.ImageProducer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.wsol.common.avro.WireFormat;
import org.wsol.common.broker.EmbeddedBroker;
import org.wsol.common.config.Defaults;
import org.wsol.common.config.Settings;
import org.wsol.results.http.ResultJson;
import org.wsol.results.service.ResultsService;
import org.wsol.saliency.service.SaliencyService;
import org.wsol.schema.Box;
import org.wsol.schema.ClassBox;
import org.wsol.schema.DeadLetter;
import org.wsol.schema.GroundTruth;
import org.wsol.schema.LocalizationResult;
import org.wsol.segmenter.service.SegmenterService;

/**
 * One real photo through every topic on a real broker: produce -> saliency (the bundled CNN) -> segmenter
 * (GraphCut) -> results (Kafka Streams) -> results topic and HTTP. With ground truth, so the rank-0 box of the
 * true class travels too. Fails if any service drops a record: the result must be complete, with a box for
 * every rank, and nothing may reach the dead-letter topic.
 */
class PipelineIT {
  static final Path PHOTO = Path.of("../../samples/photos/owl.jpg"); // the module folder is the working directory
  static final int GREAT_GREY_OWL = 24; // line 25 of the bundled model's imagenet_classes.txt
  static final int TOP_K = 2;

  @Test
  void onePhotoBecomesACompleteScoredResult() throws Exception {
    assertTrue(Files.isRegularFile(PHOTO), "sample photo missing: " + PHOTO.toAbsolutePath());
    BufferedImage img = ImageIO.read(PHOTO.toFile());
    GroundTruth truth = new GroundTruth(GREAT_GREY_OWL, List.of(new Box(0, 0, img.getWidth(), img.getHeight())));
    try (EmbeddedBroker broker = EmbeddedBroker.start()) {
      Settings s = Settings.of(Defaults.VALUES)
          .with("bootstrap.servers", broker.bootstrapServers())
          .with("topic.partitions", "2")
          .with("saliency.ten.crop", "false")
          .with("saliency.top.k", "" + TOP_K)
          .with("results.http.port", "0")
          .with("results.timeout.ms", "60000");
      try (SaliencyService saliency = new SaliencyService(s).start();
           SegmenterService segmenter = new SegmenterService(s).start();
           ResultsService results = new ResultsService(s).start();
           ImageProducer producer = new ImageProducer(s)) {
        producer.sendFile("owl-1", PHOTO, TOP_K, truth).get();

        LocalizationResult r = awaitResult(s, "owl-1", Duration.ofSeconds(90));
        assertTrue(r.getComplete(), "incomplete result, missing ranks " + r.getMissingRanks());
        assertEquals(List.of(0, 1, 2), r.getBoxes().stream().map(ClassBox::getRank).toList());
        for (ClassBox b : r.getBoxes()) {
          assertNotNull(b.getBox(), "no box for rank " + b.getRank() + " (" + b.getClassLabel() + ")");
          assertTrue(b.getBox().getXMax() <= img.getWidth() && b.getBox().getYMax() <= img.getHeight(),
              "box in original pixels: " + b.getBox());
        }
        assertEquals(GREAT_GREY_OWL, r.getBoxes().get(0).getClassIndex(), "rank 0 is the true class");
        assertEquals(img.getWidth(), r.getOriginalWidth());
        assertNotNull(r.getScore(), "ground truth came with the image: the result is scored");
        assertTrue(r.getScore().getGtKnownIou() > 0, "a non-empty box inside the whole-image truth box overlaps it");
        assertTrue(r.getLatencyMs() > 0);

        HttpResponse<String> http = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + results.httpPort() + "/images/owl-1")).GET().build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(200, http.statusCode(), http.body());
        JsonNode json = ResultJson.read(http.body());
        assertEquals("owl-1", json.get("image_id").asText());
        assertEquals(3, json.get("boxes").size());
        assertEquals(r.getScore().getGtKnownIou(), json.get("score").get("gt_known_iou").floatValue(), 1e-6);

        HttpResponse<String> metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + results.httpPort() + "/metrics")).GET().build(),
            HttpResponse.BodyHandlers.ofString());
        assertTrue(metrics.body().contains("wsol_results_scored_total 1.0"), "running scores count the image");

        assertEquals(List.of(), deadLetters(s), "no service may dead-letter a good image");
      }
    }
  }

  static LocalizationResult awaitResult(Settings s, String id, Duration timeout) {
    Properties p = s.consumer();
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "pipeline-it");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    try (KafkaConsumer<String, LocalizationResult> c = new KafkaConsumer<>(p, new StringDeserializer(),
        WireFormat.from(s).serde(LocalizationResult.class).deserializer())) {
      c.subscribe(List.of(s.get("topic.results")));
      long deadline = System.currentTimeMillis() + timeout.toMillis();
      while (System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<String, LocalizationResult> r : c.poll(Duration.ofMillis(250))) {
          if (r.key().equals(id)) {
            return r.value();
          }
        }
      }
    }
    fail("no result for " + id + " within " + timeout + ": a service dropped it or is stuck (see the log above)");
    return null;
  }

  static List<String> deadLetters(Settings s) {
    Properties p = s.consumer();
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "pipeline-it-dlq");
    List<String> reasons = new ArrayList<>();
    try (KafkaConsumer<byte[], DeadLetter> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
        WireFormat.from(s).serde(DeadLetter.class).deserializer())) {
      c.subscribe(List.of(s.get("topic.dead.letter")));
      long until = System.currentTimeMillis() + 2_000;
      while (System.currentTimeMillis() < until) {
        c.poll(Duration.ofMillis(200)).forEach(r -> reasons.add(r.value().getStage() + ": " + r.value().getReason()));
      }
    }
    return reasons;
  }
}
