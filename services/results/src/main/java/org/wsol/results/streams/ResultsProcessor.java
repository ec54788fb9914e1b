package org.wsol.results.streams;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wsol.common.avro.SchemaRegistryClient;
import org.wsol.common.kafka.StageRunner;
import org.wsol.results.aggregate.Aggregator;
import org.wsol.results.aggregate.InvalidBoxException;
import org.wsol.schema.BoxResult;
import org.wsol.schema.DeadLetter;
import org.wsol.schema.ResultState;

/**
 * Keeps each image's {@link ResultState} in a store and emits its result once: when the last
 * expected box arrives, or (incomplete) when the timeout passes first. Boxes that do not decode or
 * contradict the rank contract go to the dead-letter topic with their original bytes.
 *
 * <p>It also reads the dead-letter topic: a saliency or segmenter dead letter, keyed by image id,
 * ends that image with a result of status rejected (the stage and the reason), so that every image
 * sent ends visibly.
 */
final class ResultsProcessor implements Processor<String, byte[], Object, Object> {
  private static final Logger log = LoggerFactory.getLogger(ResultsProcessor.class);
  static final String RESULTS_SINK = "results-out";
  static final String DEAD_LETTER_SINK = "dead-letter-out";

  private final Serde<BoxResult> boxSerde;
  private final Rejections rejections;
  private final Duration timeout;
  private final ResultsTopology.Listener listener;
  private final String worker = StageRunner.workerId("results");
  private ProcessorContext<Object, Object> context;
  private KeyValueStore<String, ResultState> states;
  private KeyValueStore<String, String> recent;
  private KeyValueStore<String, String> pending;

  ResultsProcessor(
      Serde<BoxResult> boxSerde,
      Rejections rejections,
      Duration timeout,
      ResultsTopology.Listener listener) {
    this.boxSerde = boxSerde;
    this.rejections = rejections;
    this.timeout = timeout;
    this.listener = listener;
  }

  @Override
  public void init(ProcessorContext<Object, Object> context) {
    this.context = context;
    this.states = context.getStateStore(ResultsTopology.STATE_STORE);
    this.recent = context.getStateStore(ResultsTopology.RECENT_STORE);
    this.pending = context.getStateStore(ResultsTopology.PENDING_STORE);
    // Wall clock, not stream time: a missing box must time out even when no further boxes arrive.
    Duration every = Duration.ofMillis(Math.max(10, Math.min(1000, timeout.toMillis() / 4)));
    context.schedule(every, PunctuationType.WALL_CLOCK_TIME, this::expire);
  }

  @Override
  public void process(Record<String, byte[]> record) {
    if (context.recordMetadata().map(m -> m.topic().equals(rejections.topic())).orElse(false)) {
      rejected(record);
      return;
    }
    long now = context.currentSystemTimeMs();
    BoxResult box;
    try {
      box = boxSerde.deserializer().deserialize(ResultsTopology.STATE_STORE, record.value());
    } catch (SchemaRegistryClient.RegistryUnavailableException e) {
      throw e; // the record is fine, the registry is not: fail the task so the box is replayed, not
      // dead-lettered
    } catch (RuntimeException e) {
      deadLetter(record, "not a BoxResult: " + e.getMessage(), e);
      return;
    }
    if (box == null) {
      deadLetter(record, "empty record on the boxes topic: expected a BoxResult", null);
      return;
    }
    if (!box.getImageId().equals(record.key())) {
      deadLetter(
          record,
          "record key '"
              + record.key()
              + "' is not the image id '"
              + box.getImageId()
              + "': boxes must be keyed by image id so that one instance sees all of an image's boxes",
          null);
      return;
    }
    String id = box.getImageId();
    ResultState prev = states.get(id);
    Aggregator.Step step;
    try {
      step = Aggregator.add(prev, box, now);
    } catch (InvalidBoxException e) {
      deadLetter(record, e.getMessage(), e);
      return;
    }
    states.put(id, step.state());
    if (prev == null) {
      pending.put(ResultsTopology.timeKey(step.state().getFirstBoxAt().toEpochMilli(), id), id);
    }
    if (step.kind() == Aggregator.Kind.DUPLICATE) {
      listener.duplicate(id, box.getBox().getRank());
    }
    if (step.emit() != null) {
      emit(prev, step.state(), now);
    }
  }

  /** A dead letter: when a stage refused an image, the image's result ends as rejected. */
  private void rejected(Record<String, byte[]> record) {
    Aggregator.Rejected why = rejections.read(record.key(), record.value());
    if (why == null) {
      return; // not an image's refusal (or our own dead letter): nothing to end
    }
    long now = context.currentSystemTimeMs();
    ResultState prev = states.get(why.imageId());
    Aggregator.Step step = Aggregator.reject(prev, why, now);
    if (step.emit() == null) {
      return;
    }
    states.put(why.imageId(), step.state());
    log.info("image '{}' rejected by {}: {}", why.imageId(), why.stage(), why.reason());
    emit(prev, step.state(), now);
  }

  /** Emits every image that has waited longer than the timeout, as incomplete. */
  private void expire(long now) {
    long cutoff = now - timeout.toMillis();
    List<KeyValue<String, String>> due = new ArrayList<>();
    try (KeyValueIterator<String, String> it = pending.all()) {
      while (it.hasNext()) {
        KeyValue<String, String> kv = it.next();
        if (Long.parseLong(kv.key.substring(0, 13)) > cutoff) {
          break; // keys sort by first-box time
        }
        due.add(kv);
      }
    }
    for (KeyValue<String, String> kv : due) {
      ResultState s = states.get(kv.value);
      if (s == null || s.getEmitted()) {
        pending.delete(kv.key);
        continue;
      }
      ResultState expired = Aggregator.expire(s, now).state();
      states.put(kv.value, expired);
      log.info(
          "image '{}': no box for rank(s) {} after {} ms; emitting it incomplete",
          kv.value,
          expired.getResult().getMissingRanks(),
          timeout.toMillis());
      emit(s, expired, now);
    }
  }

  private void emit(ResultState before, ResultState after, long now) {
    String id = after.getResult().getImageId();
    pending.delete(ResultsTopology.timeKey(after.getFirstBoxAt().toEpochMilli(), id));
    if (before != null
        && before.getEmitted()) { // an incomplete result completed late: replace its entry
      recent.delete(
          ResultsTopology.timeKey(before.getResult().getCompletedAt().toEpochMilli(), id));
    }
    recent.put(ResultsTopology.timeKey(after.getResult().getCompletedAt().toEpochMilli(), id), id);
    context.forward(new Record<>(id, after.getResult(), now), RESULTS_SINK);
    listener.emitted(after.getResult());
  }

  private void deadLetter(Record<String, byte[]> record, String reason, Exception e) {
    RecordMetadata m = context.recordMetadata().orElse(null);
    log.warn(
        "dead-lettering a box record ({}:{}@{}): {}",
        m == null ? "?" : m.topic(),
        m == null ? -1 : m.partition(),
        m == null ? -1 : m.offset(),
        reason);
    byte[] key = record.key() == null ? null : record.key().getBytes(StandardCharsets.UTF_8);
    DeadLetter dl =
        DeadLetter.newBuilder()
            .setStage("results")
            .setReason(reason)
            .setErrorClass(e == null ? "" : e.getClass().getName())
            .setSourceTopic(m == null ? "" : m.topic())
            .setSourcePartition(m == null ? -1 : m.partition())
            .setSourceOffset(m == null ? -1 : m.offset())
            .setKey(key == null ? null : java.nio.ByteBuffer.wrap(key))
            .setValue(record.value() == null ? null : java.nio.ByteBuffer.wrap(record.value()))
            .setFailedAt(Instant.ofEpochMilli(context.currentSystemTimeMs()))
            .setWorker(worker)
            .build();
    context.forward(new Record<>(key, dl, record.timestamp()), DEAD_LETTER_SINK);
    listener.deadLettered(reason);
  }
}
