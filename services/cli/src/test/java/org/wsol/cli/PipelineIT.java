package org.wsol.cli;

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
import org.wsol.broker.EmbeddedBroker;
import org.wsol.cli.local.ImageProducer;
import org.wsol.common.avro.WireFormat;
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
 * Real photos through every topic on a real broker, in the default localisation mode: produce ->
 * saliency (the bundled CNN; both photos in one batch) -> segmenter (GraphCut) -> results (Kafka
 * Streams) -> results topic and HTTP. With ground truth drawn by hand, so the rank-0 box of the
 * true class travels too and the result is scored. Fails if any service drops a record (every
 * result complete, a box for every rank, nothing dead-lettered), if the classifier's top class for
 * the cat is not a cat, or if its box misses the cat (IoU with the hand-drawn box < 0.5).
 */
class PipelineIT {
  static final Path CAT_PHOTO =
      Path.of("../../samples/photos/cat_720p.jpg"); // the module folder is the working directory
  static final Path OWL_PHOTO = Path.of("../../samples/photos/owl.jpg");
  static final int EGYPTIAN_CAT = 285; // line 286 of the bundled model's imagenet_classes.txt
  static final int GREAT_GREY_OWL = 24;

  /** ImageNet's domestic cats: tabby, tiger cat, Persian, Siamese, Egyptian cat (lines 282-286). */
  static final java.util.Set<Integer> CATS = java.util.Set.of(281, 282, 283, 284, 285);

  static final int TOP_K = 2;

  /**
   * Drawn by hand around the cat in cat_720p.jpg (1280x720): ear tips to the bottom edge, flank to
   * flank.
   */
  static final Box CAT = new Box(137, 80, 905, 720);

  /**
   * Drawn by hand around the owl in owl.jpg (512x384): head top to feet, wing edge to wing edge.
   */
  static final Box OWL = new Box(158, 14, 332, 378);

  @Test
  void photosBecomeCompleteScoredResultsWithTheCatFound() throws Exception {
    assertTrue(
        Files.isRegularFile(CAT_PHOTO), "sample photo missing: " + CAT_PHOTO.toAbsolutePath());
    BufferedImage img = ImageIO.read(CAT_PHOTO.toFile());
    assertEquals(1280, img.getWidth(), "the hand-drawn box is in this photo's pixels");
    assertEquals(
        512,
        ImageIO.read(OWL_PHOTO.toFile()).getWidth(),
        "the hand-drawn box is in this photo's pixels");
    try (EmbeddedBroker broker = EmbeddedBroker.start()) {
      Settings s =
          Settings.of(Defaults.VALUES)
              .with("bootstrap.servers", broker.bootstrapServers())
              .with("topic.partitions", "2")
              .with("saliency.top.k", "" + TOP_K)
              .with("saliency.batch.linger.ms", "2000") // both photos in one model call
              .with("results.http.port", "0")
              .with("results.timeout.ms", "60000");
      org.wsol.common.kafka.Topics.from(s).ensureExist(s);
      try (ImageProducer producer = new ImageProducer(s)) {
        producer.sendFile("owl-1", OWL_PHOTO, TOP_K, new GroundTruth(GREAT_GREY_OWL, List.of(OWL)));
        producer
            .sendFile("cat-1", CAT_PHOTO, TOP_K, new GroundTruth(EGYPTIAN_CAT, List.of(CAT)))
            .get();
      }
      try (SaliencyService saliency = new SaliencyService(s).start();
          SegmenterService segmenter = new SegmenterService(s).start();
          ResultsService results = new ResultsService(s).start()) {
        LocalizationResult owl = awaitResult(s, "owl-1", Duration.ofSeconds(120));
        assertTrue(owl.getComplete(), "incomplete result, missing ranks " + owl.getMissingRanks());
        LocalizationResult r = awaitResult(s, "cat-1", Duration.ofSeconds(120));
        assertTrue(r.getComplete(), "incomplete result, missing ranks " + r.getMissingRanks());
        assertEquals(List.of(0, 1, 2), r.getBoxes().stream().map(ClassBox::getRank).toList());
        for (ClassBox b : r.getBoxes()) {
          assertNotNull(
              b.getBox(), "no box for rank " + b.getRank() + " (" + b.getClassLabel() + ")");
          assertTrue(
              b.getBox().getXMax() <= img.getWidth() && b.getBox().getYMax() <= img.getHeight(),
              "box in original pixels: " + b.getBox());
        }
        assertEquals(EGYPTIAN_CAT, r.getBoxes().get(0).getClassIndex(), "rank 0 is the true class");
        ClassBox top = r.getBoxes().get(1);
        assertTrue(
            CATS.contains(top.getClassIndex()), "the top class is a cat: " + top.getClassLabel());
        double iou = iou(top.getBox(), CAT);
        assertTrue(
            iou >= 0.5, "the top class's box " + top.getBox() + " finds the cat: IoU " + iou);
        assertEquals(img.getWidth(), r.getOriginalWidth());
        assertNotNull(r.getScore(), "ground truth came with the image: the result is scored");
        assertEquals(
            iou(r.getBoxes().get(0).getBox(), CAT),
            r.getScore().getGtKnownIou(),
            1e-4,
            "the result's score is the IoU of the true class's box with the truth");
        assertTrue(r.getLatencyMs() > 0);
        System.out.printf(
            "PipelineIT: cat top class %s, box %s, IoU %.3f with the hand-drawn box; owl top class %s, "
                + "true-class box IoU %.3f%n",
            top.getClassLabel(),
            top.getBox(),
            iou,
            owl.getBoxes().get(1).getClassLabel(),
            owl.getScore().getGtKnownIou());

        HttpResponse<String> http =
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + results.httpPort() + "/images/cat-1"))
                        .GET()
                        .build(),
                    HttpResponse.BodyHandlers.ofString());
        assertEquals(200, http.statusCode(), http.body());
        JsonNode json = ResultJson.read(http.body());
        assertEquals("cat-1", json.get("image_id").asText());
        assertEquals(3, json.get("boxes").size());
        assertEquals(
            r.getScore().getGtKnownIou(), json.get("score").get("gt_known_iou").floatValue(), 1e-6);

        HttpResponse<String> metrics =
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + results.httpPort() + "/metrics"))
                        .GET()
                        .build(),
                    HttpResponse.BodyHandlers.ofString());
        assertTrue(
            metrics.body().contains("wsol_results_scored_total 2.0"),
            "running scores count both images");

        assertEquals(List.of(), deadLetters(s), "no service may dead-letter a good image");
      }
    }
  }

  /**
   * Intersection over union of two boxes in pixel coordinates (max exclusive), computed here, not
   * by the service.
   */
  static double iou(Box a, Box b) {
    double iw =
        Math.max(0, Math.min(a.getXMax(), b.getXMax()) - Math.max(a.getXMin(), b.getXMin()));
    double ih =
        Math.max(0, Math.min(a.getYMax(), b.getYMax()) - Math.max(a.getYMin(), b.getYMin()));
    double inter = iw * ih;
    double union =
        (double) (a.getXMax() - a.getXMin()) * (a.getYMax() - a.getYMin())
            + (double) (b.getXMax() - b.getXMin()) * (b.getYMax() - b.getYMin())
            - inter;
    return union <= 0 ? 0 : inter / union;
  }

  static LocalizationResult awaitResult(Settings s, String id, Duration timeout) {
    Properties p = s.consumer();
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "pipeline-it-" + id + "-" + System.nanoTime());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    try (KafkaConsumer<String, LocalizationResult> c =
        new KafkaConsumer<>(
            p,
            new StringDeserializer(),
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
    fail(
        "no result for "
            + id
            + " within "
            + timeout
            + ": a service dropped it or is stuck (see the log above)");
    return null;
  }

  static List<String> deadLetters(Settings s) {
    Properties p = s.consumer();
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "pipeline-it-dlq");
    List<String> reasons = new ArrayList<>();
    try (KafkaConsumer<byte[], DeadLetter> c =
        new KafkaConsumer<>(
            p,
            new ByteArrayDeserializer(),
            WireFormat.from(s).serde(DeadLetter.class).deserializer())) {
      c.subscribe(List.of(s.get("topic.dead.letter")));
      long until = System.currentTimeMillis() + 2_000;
      while (System.currentTimeMillis() < until) {
        c.poll(Duration.ofMillis(200))
            .forEach(r -> reasons.add(r.value().getStage() + ": " + r.value().getReason()));
      }
    }
    return reasons;
  }
}
