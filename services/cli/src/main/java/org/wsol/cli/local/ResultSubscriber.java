package org.wsol.cli.local;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.wsol.common.avro.WireFormat;
import org.wsol.common.config.Settings;
import org.wsol.common.image.RgbImages;
import org.wsol.common.image.SaliencyMaps;
import org.wsol.common.kafka.Topics;
import org.wsol.schema.LocalizationResult;
import org.wsol.schema.SaliencyTensor;

/**
 * Reads finished results (and, to draw pictures, the rank-1 saliency records of the same images)
 * with a throw-away consumer group, so every subscriber sees every result.
 */
public final class ResultSubscriber implements AutoCloseable {
  private static final int PICTURE_CACHE = 2_000;
  private final KafkaConsumer<String, byte[]> consumer;
  private final Topics topics;
  private final Deserializer<LocalizationResult> results;
  private final Deserializer<SaliencyTensor> saliency;
  private final Path pictures;
  private final Set<String> only;
  private final Map<String, SaliencyTensor> topClass =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, SaliencyTensor> e) {
          return size() > PICTURE_CACHE;
        }
      };
  private final Map<String, LocalizationResult> waitingForPicture = new LinkedHashMap<>();
  private volatile boolean running = true;

  /**
   * @param pictures folder for PNGs (null: none)
   * @param only image ids to report (empty: all)
   * @param fromBeginning read results already on the topic too
   */
  public ResultSubscriber(Settings s, Path pictures, Set<String> only, boolean fromBeginning) {
    this.topics = Topics.from(s);
    WireFormat wire = WireFormat.from(s);
    this.results = wire.serde(LocalizationResult.class).deserializer();
    this.saliency = wire.serde(SaliencyTensor.class).deserializer();
    this.pictures = pictures;
    this.only = only;
    Properties c = s.consumer();
    c.put(ConsumerConfig.GROUP_ID_CONFIG, "wsol-subscribe-" + UUID.randomUUID());
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, fromBeginning ? "earliest" : "latest");
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    c.put(
        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
        "read_committed"); // the results service writes in transactions
    c.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 * 1024 * 1024);
    this.consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
    List<String> subscribed = new ArrayList<>(List.of(topics.results()));
    if (pictures != null) {
      subscribed.add(topics.saliency());
    }
    consumer.subscribe(subscribed);
  }

  /**
   * Polls until {@link #stop()} or until {@code onResult} has seen {@code limit} results (0: no
   * limit).
   */
  public void run(Consumer<LocalizationResult> onResult, int limit) throws Exception {
    int seen = 0;
    while (running && (limit == 0 || seen < limit)) {
      for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
        if (!only.isEmpty() && !only.contains(r.key())) {
          continue;
        }
        if (r.topic().equals(topics.saliency())) {
          SaliencyTensor t = saliency.deserialize(r.topic(), r.value());
          if (t.getRank() == 1) {
            topClass.put(t.getImageId(), t);
            LocalizationResult waiting = waitingForPicture.remove(t.getImageId());
            if (waiting != null) {
              drawPicture(waiting, t);
            }
          }
          continue;
        }
        LocalizationResult res = results.deserialize(r.topic(), r.value());
        if (pictures != null && !isRejected(res)) { // a rejected image has no map to draw
          SaliencyTensor t = topClass.get(res.getImageId());
          if (t != null) {
            drawPicture(res, t);
          } else {
            waitingForPicture.put(res.getImageId(), res);
          }
        }
        onResult.accept(res);
        seen++;
      }
    }
  }

  private void drawPicture(LocalizationResult res, SaliencyTensor t) throws Exception {
    BufferedImage working =
        RgbImages.decode(SaliencyMaps.workingImageBytes(t), Integer.MAX_VALUE, Integer.MAX_VALUE);
    float[] map = SaliencyMaps.decode(t);
    BufferedImage pic =
        Pictures.draw(
            working, map, res.getBoxes(), res.getOriginalWidth(), res.getOriginalHeight());
    Files.createDirectories(pictures);
    ImageIO.write(pic, "png", pictures.resolve(safe(res.getImageId()) + ".png").toFile());
  }

  /** A stage refused the image: the result names the stage and the reason, and no box will come. */
  public static boolean isRejected(LocalizationResult r) {
    return "rejected".equals(r.getStatus()) || r.getRejection() != null;
  }

  /** "rejected by saliency: why", for a person. */
  public static String rejection(LocalizationResult r) {
    return r.getRejection() == null
        ? "rejected"
        : "rejected by " + r.getRejection().getStage() + ": " + r.getRejection().getReason();
  }

  static String safe(String id) {
    return id.replaceAll("[^A-Za-z0-9._-]", "_");
  }

  public void stop() {
    running = false;
  }

  @Override
  public void close() {
    consumer.close();
  }
}
