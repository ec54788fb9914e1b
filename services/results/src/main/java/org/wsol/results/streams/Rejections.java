package org.wsol.results.streams;

import java.time.Instant;
import java.util.Set;
import org.apache.kafka.common.serialization.Serde;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wsol.common.avro.WireFormat;
import org.wsol.common.kafka.Topics;
import org.wsol.results.aggregate.Aggregator;
import org.wsol.schema.DeadLetter;
import org.wsol.schema.GroundTruth;
import org.wsol.schema.ImageEvent;
import org.wsol.schema.SaliencyTensor;

/**
 * Reads a dead letter as the refusal of an image: which image (the record key), which stage, why,
 * and what the refused record still tells of the image (top-k, produced-at, ground truth), when it
 * decodes.
 */
final class Rejections {
  private static final Logger log = LoggerFactory.getLogger(Rejections.class);

  /** The stages whose dead letters refuse an image; the results stage's own (bad boxes) do not. */
  static final Set<String> STAGES = Set.of("saliency", "segmenter");

  private final Topics topics;
  private final Serde<DeadLetter> letters;
  private final Serde<ImageEvent> images;
  private final Serde<SaliencyTensor> maps;

  Rejections(Topics topics, WireFormat wire) {
    this.topics = topics;
    this.letters = wire.serde(DeadLetter.class);
    this.images = wire.serde(ImageEvent.class);
    this.maps = wire.serde(SaliencyTensor.class);
  }

  String topic() {
    return topics.deadLetter();
  }

  /** The refusal this dead letter tells of, or null when it is not the refusal of an image. */
  Aggregator.Rejected read(String key, byte[] value) {
    if (key == null || key.isEmpty() || value == null) {
      return null;
    }
    DeadLetter d;
    try {
      d = letters.deserializer().deserialize(topics.deadLetter(), value);
    } catch (RuntimeException e) {
      // Never dead-letter a dead letter: say so and move on.
      log.warn(
          "a dead letter for '{}' does not decode, so its image cannot be marked rejected: {}",
          key,
          e.getMessage());
      return null;
    }
    if (d == null || !STAGES.contains(d.getStage())) {
      return null;
    }
    int topK = 0;
    Instant producedAt = null;
    GroundTruth truth = null;
    byte[] original = d.getValue() == null ? null : bytes(d.getValue());
    try {
      if (original != null && d.getSourceTopic().equals(topics.images())) {
        ImageEvent e = images.deserializer().deserialize(d.getSourceTopic(), original);
        topK = e.getTopK();
        producedAt = e.getProducedAt();
        truth = e.getGroundTruth();
      } else if (original != null && d.getSourceTopic().equals(topics.saliency())) {
        SaliencyTensor t = maps.deserializer().deserialize(d.getSourceTopic(), original);
        topK = t.getTopK();
        producedAt = t.getImageProducedAt();
        truth = t.getGroundTruth();
      }
    } catch (RuntimeException e) {
      // the refused record may be what did not decode: the refusal stands, with less known about
      // the image
    }
    return new Aggregator.Rejected(
        key, d.getStage(), d.getReason(), d.getErrorClass(), topK, producedAt, truth);
  }

  private static byte[] bytes(java.nio.ByteBuffer b) {
    java.nio.ByteBuffer d = b.duplicate();
    byte[] out = new byte[d.remaining()];
    d.get(out);
    return out;
  }
}
