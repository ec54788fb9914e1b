package org.wsol.cli.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.wsol.common.avro.AvroCodec;
import org.wsol.schema.BoxResult;
import org.wsol.schema.LocalizationResult;

/** What the pipeline bench counts in the records it reads back, and how it selects them. */
final class PipelineRecords {
  private PipelineRecords() {}

  /**
   * Loaded on first use, not when picocli builds the command tree: Avro initialises SLF4J, and the
   * demo and eval must configure SLF4J (their log file) before that happens.
   */
  private static final class Codecs {
    static final AvroCodec<LocalizationResult> RESULTS = new AvroCodec<>(LocalizationResult.class);
    static final AvroCodec<BoxResult> BOXES = new AvroCodec<>(BoxResult.class);
  }

  /** Counts each record whose key starts with the prefix. */
  static Function<ConsumerRecord<byte[], byte[]>, String> records(String keyPrefix) {
    return r -> key(r).startsWith(keyPrefix) ? r.partition() + ":" + r.offset() : null;
  }

  /** Counts each image (by id) with a complete result. */
  static Function<ConsumerRecord<byte[], byte[]>, String> complete(String idPrefix) {
    return r -> {
      LocalizationResult lr = Codecs.RESULTS.decode(r.value());
      return lr.getComplete() && lr.getImageId().startsWith(idPrefix) ? lr.getImageId() : null;
    };
  }

  private static String key(ConsumerRecord<byte[], byte[]> r) {
    return r.key() == null ? "" : new String(r.key(), java.nio.charset.StandardCharsets.UTF_8);
  }

  static List<ConsumerRecord<byte[], byte[]>> withKeyPrefix(
      List<ConsumerRecord<byte[], byte[]>> rs, String prefix) {
    return rs.stream().filter(r -> key(r).startsWith(prefix)).toList();
  }

  /**
   * The replayed passes boxed each image and rank several times; the results phase gets each box
   * once.
   */
  static List<ConsumerRecord<byte[], byte[]>> firstBoxPerRank(
      List<ConsumerRecord<byte[], byte[]>> rs) {
    java.util.Set<String> seen = new java.util.HashSet<>();
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : rs) {
      BoxResult b = Codecs.BOXES.decode(r.value());
      if (seen.add(b.getImageId() + "#" + b.getBox().getRank())) {
        out.add(r);
      }
    }
    return out;
  }

  /** When the last of the units arrived (nanoTime). */
  /**
   * How many of the records arrived after {@code t0}; fails when that is under half of them: the
   * warm-up then ended while the segmenters were already through most of the measured records (on
   * other partitions), too short a run to measure.
   */
  static long finishedAfter(Map<String, Long> arrivals, long t0) {
    long n = arrivals.values().stream().filter(t -> t > t0).count();
    if (2 * n < arrivals.size()) {
      throw new IllegalStateException(
          "only "
              + n
              + " of "
              + arrivals.size()
              + " records were finished after the warm-up: too short to measure; raise"
              + " --segmenter-passes or --images");
    }
    return n;
  }

  static long last(Map<String, Long> arrivals) {
    return arrivals.values().stream().mapToLong(Long::longValue).max().orElseThrow();
  }
}
