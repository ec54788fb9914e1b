package org.wsol.segmenter.service;

import static org.junit.jupiter.api.Assertions.*;

import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.wsol.broker.EmbeddedBroker;
import org.wsol.common.avro.WireFormat;
import org.wsol.common.config.Settings;
import org.wsol.common.image.HalfFloats;
import org.wsol.common.image.RgbImages;
import org.wsol.common.kafka.Topics;
import org.wsol.schema.BoxResult;
import org.wsol.schema.MapDtype;
import org.wsol.schema.SaliencyTensor;

/**
 * Two segmenter processes (separate JVMs) in one consumer group share the saliency topic's
 * partitions: both do work, and every (image, rank) gets exactly one box, in the right place.
 */
class SegmenterTwoWorkersIT {
  static final int PARTITIONS = 4, IMAGES = 20, RANKS = 2, W = 64, H = 48;

  @Test
  @Timeout(value = 90, unit = TimeUnit.SECONDS)
  void twoProcessesShareThePartitionsAndEveryRecordGetsOneBox() throws Exception {
    List<Process> workers = new ArrayList<>();
    try (EmbeddedBroker broker = EmbeddedBroker.start()) {
      Settings s =
          Settings.load(
              null,
              Map.of(),
              Map.of(
                  "bootstrap.servers",
                  broker.bootstrapServers(),
                  "topic.partitions",
                  String.valueOf(PARTITIONS)));
      Topics topics = Topics.from(s);
      topics.ensureExist(s);
      for (int i = 0; i < 2; i++) workers.add(startWorker(broker.bootstrapServers()));
      Set<String> names = new HashSet<>();
      for (Process p : workers) names.add(awaitReady(p));
      assertEquals(2, names.size(), "two distinct worker ids");
      awaitGroupOfTwo(s);

      // Object i: a red rectangle on a noisy blue background, the saliency blob on it.
      Serializer<SaliencyTensor> ser = WireFormat.from(s).serde(SaliencyTensor.class).serializer();
      Map<String, int[]> truth = new HashMap<>();
      try (KafkaProducer<byte[], byte[]> producer =
          new KafkaProducer<>(s.producer(), new ByteArraySerializer(), new ByteArraySerializer())) {
        for (int i = 0; i < IMAGES; i++) {
          String id = "img-" + i;
          int x0 = 8 + i % 5 * 3,
              y0 = 6 + i % 4 * 3,
              x1 = x0 + 24 + i % 3 * 4,
              y1 = y0 + 18 + i % 2 * 4;
          truth.put(id, new int[] {x0, y0, x1, y1});
          for (int rank = 1; rank <= RANKS; rank++) {
            SaliencyTensor t = tensor(id, rank, x0, y0, x1, y1, i);
            producer.send(
                new ProducerRecord<>(
                    topics.saliency(),
                    id.getBytes(StandardCharsets.UTF_8),
                    ser.serialize(topics.saliency(), t)));
          }
        }
        producer.flush();
      }

      Deserializer<BoxResult> de = WireFormat.from(s).serde(BoxResult.class).deserializer();
      List<BoxResult> boxes = new ArrayList<>();
      Properties c = s.consumer();
      c.put(ConsumerConfig.GROUP_ID_CONFIG, "boxes-reader-" + System.nanoTime());
      try (KafkaConsumer<byte[], byte[]> consumer =
          new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
        consumer.subscribe(List.of(topics.boxes()));
        long deadline = System.nanoTime() + Duration.ofSeconds(45).toNanos();
        // Read until all are there, then a little longer so that duplicates would show.
        long quietUntil = Long.MAX_VALUE;
        while (System.nanoTime() < Math.min(deadline, quietUntil)) {
          consumer
              .poll(Duration.ofMillis(200))
              .forEach(r -> boxes.add(de.deserialize(topics.boxes(), r.value())));
          if (boxes.size() >= IMAGES * RANKS && quietUntil == Long.MAX_VALUE)
            quietUntil = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        }
      }

      Map<String, Integer> perKey = new HashMap<>();
      Map<String, Integer> perWorker = new HashMap<>();
      for (BoxResult b : boxes) {
        perKey.merge(b.getImageId() + "#" + b.getBox().getRank(), 1, Integer::sum);
        perWorker.merge(b.getBox().getWorker(), 1, Integer::sum);
        org.wsol.schema.Box box = b.getBox().getBox();
        assertNotNull(box, "no box for " + b.getImageId());
        int[] t = truth.get(b.getImageId());
        // The object is the red rectangle; the original is twice the working size.
        int cx = (t[0] + t[2]), cy = (t[1] + t[3]);
        assertTrue(
            box.getXMin() <= cx && cx < box.getXMax() && box.getYMin() <= cy && cy < box.getYMax(),
            b.getImageId() + ": box " + box + " misses the object centred at " + cx + "," + cy);
      }
      assertEquals(
          IMAGES * RANKS, perKey.size(), "every (image, rank) has a box: " + perKey.keySet());
      perKey.forEach((k, n) -> assertEquals(1, n, k + " got " + n + " boxes"));
      assertEquals(names, perWorker.keySet(), "both workers produced boxes: " + perWorker);
    } finally {
      for (Process p : workers) {
        p.getOutputStream().close(); // EOF: the worker closes its service and exits
      }
      for (Process p : workers) {
        if (!p.waitFor(15, TimeUnit.SECONDS)) p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    }
  }

  static Process startWorker(String bootstrap) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb =
        new ProcessBuilder(
            java,
            "-Xmx256m",
            "-XX:TieredStopAtLevel=1",
            "-Dorg.apache.avro.SERIALIZABLE_PACKAGES="
                + System.getProperty("org.apache.avro.SERIALIZABLE_PACKAGES", "org.wsol.schema"),
            "-cp",
            System.getProperty("java.class.path"),
            SegmenterWorkerMain.class.getName(),
            bootstrap,
            String.valueOf(PARTITIONS));
    pb.redirectErrorStream(true);
    return pb.start();
  }

  /**
   * Reads the worker's output until READY; the rest is drained in the background so it never
   * blocks.
   */
  static String awaitReady(Process p) throws Exception {
    BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    StringBuilder seen = new StringBuilder();
    String line;
    while ((line = r.readLine()) != null) {
      if (line.startsWith("READY ")) {
        Thread drain =
            new Thread(
                () -> {
                  try {
                    while (r.readLine() != null) {
                      // discard
                    }
                  } catch (Exception ignored) {
                    // process ended
                  }
                });
        drain.setDaemon(true);
        drain.start();
        return line.substring(6).trim();
      }
      seen.append(line).append('\n');
      if (System.nanoTime() > deadline) break;
    }
    fail("worker did not start:\n" + seen);
    return null;
  }

  /** Waits until the group has two members that each hold partitions, so both get records. */
  static void awaitGroupOfTwo(Settings s) throws Exception {
    try (Admin admin = Admin.create(s.kafka())) {
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (System.nanoTime() < deadline) {
        ConsumerGroupDescription g;
        try {
          g =
              admin
                  .describeConsumerGroups(List.of(SegmenterService.GROUP))
                  .all()
                  .get()
                  .get(SegmenterService.GROUP);
        } catch (java.util.concurrent.ExecutionException e) {
          if (!(e.getCause() instanceof org.apache.kafka.common.errors.GroupIdNotFoundException)) {
            throw e;
          }
          g = null; // no member has joined yet: Kafka 4 says "not found" rather than empty
        }
        if (g != null
            && g.members().size() == 2
            && g.members().stream()
                .map(MemberDescription::assignment)
                .allMatch(a -> !a.topicPartitions().isEmpty())) {
          return;
        }
        Thread.sleep(200);
      }
      fail("the two segmenters did not form a group with partitions for each");
    }
  }

  static SaliencyTensor tensor(String id, int rank, int x0, int y0, int x1, int y1, long seed) {
    Random r = new Random(seed * 31 + rank);
    BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
    float[] map = new float[W * H];
    double cx = (x0 + x1) / 2.0, cy = (y0 + y1) / 2.0;
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        boolean in = x >= x0 && x < x1 && y >= y0 && y < y1;
        int red = clamp(in ? 210 + r.nextGaussian() * 10 : 30 + r.nextGaussian() * 12);
        int green = clamp(in ? 30 + r.nextGaussian() * 8 : 60 + r.nextGaussian() * 12);
        int blue = clamp(in ? 40 + r.nextGaussian() * 8 : 190 + r.nextGaussian() * 15);
        img.setRGB(x, y, red << 16 | green << 8 | blue);
        double d2 = ((x - cx) * (x - cx) + (y - cy) * (y - cy)) / 200.0;
        map[y * W + x] = (float) (Math.exp(-d2) + (in ? 0.3 : 0) + 0.01 * r.nextDouble());
      }
    }
    return SaliencyTensor.newBuilder()
        .setImageId(id)
        .setClassIndex(100 + rank)
        .setClassLabel("class " + rank)
        .setRank(rank)
        .setTopK(RANKS)
        .setScore(10f - rank)
        .setMapHeight(H)
        .setMapWidth(W)
        .setMapDtype(MapDtype.FLOAT16)
        .setMapData(ByteBuffer.wrap(HalfFloats.encode(map)))
        .setWorkingImage(ByteBuffer.wrap(RgbImages.jpeg(img, 0.95f)))
        .setOriginalWidth(2 * W)
        .setOriginalHeight(2 * H)
        .setModelId("synthetic")
        .setImageProducedAt(Instant.now())
        .setSaliencyMs(1f)
        .build();
  }

  static int clamp(double v) {
    return (int) Math.max(0, Math.min(255, Math.round(v)));
  }
}
