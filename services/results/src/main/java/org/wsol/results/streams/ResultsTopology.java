package org.wsol.results.streams;

import java.time.Duration;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;
import org.wsol.common.avro.WireFormat;
import org.wsol.common.config.Settings;
import org.wsol.common.kafka.Topics;
import org.wsol.schema.DeadLetter;
import org.wsol.schema.LocalizationResult;
import org.wsol.schema.ResultState;

/**
 * boxes and dead-letter topics -> {@link ResultsProcessor} (three persistent stores) -> results
 * topic, bad boxes -> dead-letter. A saliency or segmenter dead letter ends its image as a rejected
 * result; both topics are keyed by image id and must have the same number of partitions, so that an
 * image's boxes and refusal meet in one task. Processor API rather than the DSL's aggregate,
 * because a result must go out once, when complete, and a wall-clock timeout must be able to emit
 * what is missing; both need a hand on the store.
 */
public final class ResultsTopology {
  /** image id -> {@link ResultState}: the result so far (or done), served by GET /images/{id}. */
  public static final String STATE_STORE = "results-by-image";

  /** "completedAt(13 digits) imageId" -> image id: the latest results, for GET /images?limit=. */
  public static final String RECENT_STORE = "results-by-time";

  /**
   * "firstBoxAt(13 digits) imageId" -> image id: images still waiting, oldest first, for the
   * timeout.
   */
  public static final String PENDING_STORE = "pending-by-time";

  private ResultsTopology() {}

  /** Callbacks for metrics; every method is optional. */
  public interface Listener {
    default void emitted(LocalizationResult r) {}

    default void duplicate(String imageId, int rank) {}

    default void deadLettered(String reason) {}
  }

  /**
   * @param timeout how long after an image's first box a missing one makes the result incomplete
   *     (results.timeout.ms)
   */
  public static Topology build(Settings s, Duration timeout, Listener listener) {
    Topics topics = Topics.from(s);
    WireFormat wire = WireFormat.from(s);
    Serde<ResultState> stateSerde = wire.serde(ResultState.class);
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("the timeout must be positive, got " + timeout);
    }
    Topology t = new Topology();
    t.addSource("boxes", new StringDeserializer(), new ByteArrayDeserializer(), topics.boxes());
    t.addSource(
        "dead-letters", new StringDeserializer(), new ByteArrayDeserializer(), topics.deadLetter());
    t.addProcessor(
        "aggregate",
        () ->
            new ResultsProcessor(
                wire.serde(org.wsol.schema.BoxResult.class),
                new Rejections(topics, wire),
                timeout,
                listener),
        "boxes",
        "dead-letters");
    t.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(STATE_STORE), Serdes.String(), stateSerde),
        "aggregate");
    t.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(RECENT_STORE), Serdes.String(), Serdes.String()),
        "aggregate");
    t.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(PENDING_STORE), Serdes.String(), Serdes.String()),
        "aggregate");
    t.addSink(
        ResultsProcessor.RESULTS_SINK,
        topics.results(),
        new StringSerializer(),
        wire.serde(LocalizationResult.class).serializer(),
        "aggregate");
    t.addSink(
        ResultsProcessor.DEAD_LETTER_SINK,
        topics.deadLetter(),
        new ByteArraySerializer(),
        wire.serde(DeadLetter.class).serializer(),
        "aggregate");
    return t;
  }

  /**
   * A store key that sorts by time: 13 zero-padded digits of epoch millis, a space, the image id.
   */
  static String timeKey(long millis, String imageId) {
    return String.format("%013d %s", Math.max(0, millis), imageId);
  }
}
