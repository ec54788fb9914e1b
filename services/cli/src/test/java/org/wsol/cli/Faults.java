package org.wsol.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.GroupState;
import org.wsol.common.avro.AvroCodec;
import org.wsol.common.config.Settings;
import org.wsol.common.image.HalfFloats;
import org.wsol.common.image.RgbImages;
import org.wsol.common.kafka.TopicTail;
import org.wsol.schema.ImageEvent;
import org.wsol.schema.LocalizationResult;
import org.wsol.schema.MapDtype;
import org.wsol.schema.SaliencyTensor;

/**
 * Shared by the fault tests: small valid saliency records, waiting for consumer groups, counting
 * results.
 */
final class Faults {
  static final int SIZE = 32;
  private static final byte[] WORKING = workingImage();
  private static final byte[] MAP = HalfFloats.encode(blob());

  private Faults() {}

  /**
   * Settings under which a killed member's partitions move within seconds instead of the default 45
   * s.
   */
  static List<String> quickRebalance() {
    return List.of(
        "--set",
        "kafka.consumer.session.timeout.ms=6000",
        "--set",
        "kafka.consumer.heartbeat.interval.ms=1000");
  }

  static float[] blob() {
    float[] map = new float[SIZE * SIZE];
    for (int y = 0; y < SIZE; y++) {
      for (int x = 0; x < SIZE; x++) {
        double dx = x - SIZE / 2.0;
        double dy = y - SIZE / 2.0;
        map[y * SIZE + x] = (float) Math.exp(-(dx * dx + dy * dy) / (SIZE * SIZE / 16.0));
      }
    }
    return map;
  }

  static byte[] workingImage() {
    BufferedImage img = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < SIZE; y++) {
      for (int x = 0; x < SIZE; x++) {
        boolean in = Math.abs(x - SIZE / 2) < SIZE / 4 && Math.abs(y - SIZE / 2) < SIZE / 4;
        img.setRGB(x, y, in ? 0xD02020 : 0x2040C0);
      }
    }
    return RgbImages.jpeg(img, 0.95f);
  }

  /** A photo-like test image: a red square on a noisy blue background, JPEG. */
  static byte[] photo(int w, int h, long seed) {
    java.util.Random r = new java.util.Random(seed);
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        boolean in = x > w / 4 && x < w * 3 / 4 && y > h / 4 && y < h * 3 / 4;
        int n = r.nextInt(40);
        img.setRGB(
            x,
            y,
            in ? (200 + n / 2) << 16 | (30 + n) << 8 | 40 : (30 + n) << 16 | (60 + n) << 8 | 190);
      }
    }
    return RgbImages.jpeg(img, 0.9f);
  }

  static ImageEvent imageEvent(String id, byte[] image, int topK) {
    return ImageEvent.newBuilder()
        .setId(id)
        .setImageBytes(ByteBuffer.wrap(image))
        .setTopK(topK)
        .setProducedAt(Instant.now())
        .build();
  }

  /**
   * Arguments of a saliency process that is quick on a CPU: one crop, the smallest working image.
   */
  static List<String> quickSaliency(String bootstrap) {
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "saliency",
                "-b",
                bootstrap,
                "--set",
                "saliency.ten.crop=false",
                "--set",
                "saliency.working.size=224",
                "--set",
                "metrics.port=0"));
    args.addAll(quickRebalance());
    return args;
  }

  /**
   * Checks the results topic: every image has exactly one result, and it is complete.
   *
   * @return a one-line summary
   */
  static String assertExactlyOneCompleteResult(
      List<ConsumerRecord<byte[], byte[]>> results, List<String> imageIds) {
    return assertExactlyOneResult(results, imageIds, List.of());
  }

  /**
   * Checks the results topic: every image has exactly one result, complete for {@code imageIds} and
   * of status rejected for {@code rejectedIds} (images a stage refused), and there is nothing else.
   *
   * @return a one-line summary
   */
  static String assertExactlyOneResult(
      List<ConsumerRecord<byte[], byte[]>> results,
      List<String> imageIds,
      List<String> rejectedIds) {
    AvroCodec<LocalizationResult> codec = new AvroCodec<>(LocalizationResult.class);
    Map<String, Integer> count = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : results) {
      LocalizationResult lr = codec.decode(r.value());
      if (rejectedIds.contains(lr.getImageId())) {
        assertEquals("rejected", lr.getStatus(), "result of " + lr.getImageId());
      } else {
        assertTrue(
            lr.getComplete(),
            "result of " + lr.getImageId() + " is incomplete, missing " + lr.getMissingRanks());
      }
      count.merge(lr.getImageId(), 1, Integer::sum);
    }
    for (String id : imageIds) {
      assertEquals(1, count.getOrDefault(id, 0), "results for " + id);
    }
    for (String id : rejectedIds) {
      assertEquals(1, count.getOrDefault(id, 0), "results for " + id + " (rejected)");
    }
    assertEquals(
        imageIds.size() + rejectedIds.size(), results.size(), "one result per image, nothing else");
    return results.size()
        + " results for "
        + imageIds.size()
        + " images, all complete"
        + (rejectedIds.isEmpty() ? "" : ", and " + rejectedIds.size() + " rejected");
  }

  /**
   * A valid saliency record for class {@code rank} of {@code topK}: a red square on blue, a blob
   * over it.
   */
  static SaliencyTensor tensor(String imageId, int rank, int topK) {
    return SaliencyTensor.newBuilder()
        .setImageId(imageId)
        .setClassIndex(rank)
        .setClassLabel("class-" + rank)
        .setRank(rank)
        .setTopK(topK)
        .setScore(10f - rank)
        .setMapWidth(SIZE)
        .setMapHeight(SIZE)
        .setMapDtype(MapDtype.FLOAT16)
        .setMapData(ByteBuffer.wrap(MAP))
        .setWorkingImage(ByteBuffer.wrap(WORKING))
        .setOriginalWidth(SIZE * 4)
        .setOriginalHeight(SIZE * 4)
        .setModelId("synthetic")
        .setImageProducedAt(Instant.now())
        .setSaliencyMs(0f)
        .build();
  }

  /**
   * As {@link #tensor(String, int, int)} at {@code size}x{@code size} on a noisy photo: slower
   * GraphCut work.
   */
  static SaliencyTensor tensor(String imageId, int rank, int topK, int size, byte[] photo) {
    float[] map = new float[size * size];
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        double dx = x - size / 2.0;
        double dy = y - size / 2.0;
        map[y * size + x] = (float) Math.exp(-(dx * dx + dy * dy) / (size * size / 16.0));
      }
    }
    return SaliencyTensor.newBuilder(tensor(imageId, rank, topK))
        .setMapWidth(size)
        .setMapHeight(size)
        .setMapData(ByteBuffer.wrap(HalfFloats.encode(map)))
        .setWorkingImage(ByteBuffer.wrap(photo))
        .setOriginalWidth(size * 2)
        .setOriginalHeight(size * 2)
        .build();
  }

  /**
   * Waits until {@code tail} holds {@code expected} records, then keeps reading until nothing new
   * came for {@code quiet}: a late duplicate (a replay emitted after the expected count was
   * reached) is then seen.
   */
  static List<ConsumerRecord<byte[], byte[]>> awaitThenQuiet(
      TopicTail tail, int expected, Duration quiet, Duration timeout) throws Exception {
    tail.await(rs -> rs.size() >= expected, timeout);
    int before;
    do {
      before = tail.records().size();
      Thread.sleep(quiet.toMillis());
    } while (tail.records().size() != before);
    return tail.records();
  }

  static long lag(Admin admin, String group, String topic) throws Exception {
    return Lag.of(admin, group, topic);
  }

  /** Waits until {@code group} has committed every record of {@code topic} (consumer lag 0). */
  static void awaitCaughtUp(Settings s, String group, String topic, Duration timeout)
      throws Exception {
    try (Admin admin = Admin.create(s.kafka())) {
      if (!Lag.awaitZero(admin, group, topic, timeout)) {
        throw new TimeoutException(
            group
                + " still has "
                + Lag.of(admin, group, topic)
                + " records of "
                + topic
                + " to go");
      }
    }
  }

  /**
   * Waits until the group is stable with {@code members} members (so that records flow to all of
   * them).
   */
  static void awaitGroup(Settings s, String group, int members, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (Admin admin = Admin.create(s.kafka())) {
      while (true) {
        ConsumerGroupDescription d;
        try {
          d = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
        } catch (java.util.concurrent.ExecutionException e) {
          if (!(e.getCause() instanceof org.apache.kafka.common.errors.GroupIdNotFoundException)) {
            throw e;
          }
          d = null; // no member has joined yet: Kafka 4 says "not found" rather than empty
        }
        if (d != null && d.groupState() == GroupState.STABLE && d.members().size() == members) {
          return;
        }
        if (System.nanoTime() > deadline) {
          throw new TimeoutException(
              group
                  + (d == null
                      ? " has no member yet"
                      : " is " + d.groupState() + " with " + d.members().size() + " members"));
        }
        Thread.sleep(200);
      }
    }
  }
}
