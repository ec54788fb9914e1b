package org.wsol.cli.eval;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.wsol.common.avro.WireFormat;
import org.wsol.common.config.Settings;
import org.wsol.common.kafka.Topics;
import org.wsol.schema.Box;
import org.wsol.schema.BoxResult;
import org.wsol.schema.GroundTruth;
import org.wsol.schema.LocalizationResult;
import org.wsol.schema.SaliencyTensor;

/**
 * Reads the saliency and boxes topics of an eval's pipeline pass: the maps (to re-segment them in
 * other modes), the baselines and measures drawn on each map, and the stages' times.
 */
public final class EvalRecorder implements Runnable, AutoCloseable {
  public static final class PerImage {
    public final Map<Integer, Box> thresholdBoxes = new ConcurrentHashMap<>();

    /**
     * Zhou et al.'s 20% box of each rank's map (when the recorder draws it: on class activation
     * maps).
     */
    public final Map<Integer, Box> camRuleBoxes = new ConcurrentHashMap<>();

    /**
     * Each rank's map swept over Choe et al.'s thresholds against the true boxes (when the recorder
     * sweeps).
     */
    public final Map<Integer, ThresholdSweep.Curve> curves = new ConcurrentHashMap<>();

    public final Map<Integer, Float> segmentMs = new ConcurrentHashMap<>();

    /** The maps by rank, to re-segment them in other modes. */
    public final Map<Integer, SaliencyTensor> tensors = new ConcurrentHashMap<>();

    public volatile double saliencyMs;
  }

  public final Map<String, PerImage> images = new ConcurrentHashMap<>();
  private final KafkaConsumer<String, byte[]> consumer;
  private final Topics topics;
  private final Deserializer<SaliencyTensor> saliency;
  private final Deserializer<BoxResult> boxes;
  private final Map<String, GroundTruth> truth;
  private final boolean camRule;
  private volatile boolean running = true;

  /**
   * @param truth the true boxes by image id, in the pixels of the image sent (the maps are swept
   *     against them; empty: no sweep)
   * @param camRule whether to draw Zhou et al.'s 20% box on each map
   */
  public EvalRecorder(Settings s, Map<String, GroundTruth> truth, boolean camRule) {
    this.truth = truth;
    this.camRule = camRule;
    topics = Topics.from(s);
    WireFormat wire = WireFormat.from(s);
    saliency = wire.serde(SaliencyTensor.class).deserializer();
    boxes = wire.serde(BoxResult.class).deserializer();
    Properties c = s.consumer();
    c.put(ConsumerConfig.GROUP_ID_CONFIG, "wsol-eval-" + UUID.randomUUID());
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    c.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 * 1024 * 1024);
    consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
    consumer.subscribe(List.of(topics.saliency(), topics.boxes()));
  }

  @Override
  public void run() {
    while (running) {
      for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
        if (r.topic().equals(topics.saliency())) {
          SaliencyTensor t = saliency.deserialize(r.topic(), r.value());
          PerImage p = images.computeIfAbsent(t.getImageId(), k -> new PerImage());
          float[] map = org.wsol.common.image.SaliencyMaps.decode(t);
          int w = t.getMapWidth();
          int h = t.getMapHeight();
          Box b =
              Baselines.thresholdBox(
                  map,
                  w,
                  h,
                  Baselines.THRESHOLD_QUANTILE,
                  t.getOriginalWidth(),
                  t.getOriginalHeight());
          if (b != null) {
            p.thresholdBoxes.put(t.getRank(), b);
          }
          if (camRule) {
            Box c = CamRule.box(map, w, h, t.getOriginalWidth(), t.getOriginalHeight());
            if (c != null) {
              p.camRuleBoxes.put(t.getRank(), c);
            }
          }
          GroundTruth gt = truth.get(t.getImageId());
          if (gt != null) {
            p.curves.put(
                t.getRank(),
                ThresholdSweep.sweep(
                    map, w, h, t.getOriginalWidth(), t.getOriginalHeight(), gt.getBoxes()));
          }
          // Last, so that a complete set of tensors means its measures are in.
          p.saliencyMs = t.getSaliencyMs();
          p.tensors.put(t.getRank(), t);
        } else {
          BoxResult b = boxes.deserialize(r.topic(), r.value());
          images
              .computeIfAbsent(b.getImageId(), k -> new PerImage())
              .segmentMs
              .put(b.getBox().getRank(), b.getSegmentMs());
        }
      }
    }
  }

  /** Whether the maps and boxes of every rank of these results have been read. */
  public boolean hasAll(Iterable<LocalizationResult> results) {
    for (LocalizationResult r : results) {
      PerImage p = images.get(r.getImageId());
      if (p == null
          || p.segmentMs.size() < r.getBoxes().size()
          || p.tensors.size() < r.getBoxes().size()
          || p.saliencyMs == 0) {
        return false;
      }
    }
    return true;
  }

  public void stop() {
    running = false;
  }

  @Override
  public void close() {
    consumer.close();
  }
}
