package org.wsol.common.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.wsol.common.avro.SchemaRegistryClient;

/**
 * What a stage runner does with the records of one poll, split into chunks of a batch each: decode
 * them (a record that does not decode is dead-lettered), call the stage (on a worker pool when
 * there is one; one bad input is isolated from its batch-mates), then produce the outputs, or
 * dead-letter the inputs that failed, in record order on the consumer's thread.
 */
final class ChunkWork<I, O> {
  private final Stage<I, O> stage;
  private final Deserializer<I> inputDeserializer;
  private final Serializer<O> outputSerializer;
  private final Function<O, String> outputKey;
  private final String outputTopic;
  private final KafkaProducer<byte[], byte[]> producer;
  private final DeadLetters deadLetters;
  private final StageMeters meters;
  final AtomicLong processed = new AtomicLong();
  final AtomicLong failed = new AtomicLong();

  ChunkWork(
      Stage<I, O> stage,
      Deserializer<I> inputDeserializer,
      Serializer<O> outputSerializer,
      Function<O, String> outputKey,
      String outputTopic,
      KafkaProducer<byte[], byte[]> producer,
      DeadLetters deadLetters,
      StageMeters meters) {
    this.stage = stage;
    this.inputDeserializer = inputDeserializer;
    this.outputSerializer = outputSerializer;
    this.outputKey = outputKey;
    this.outputTopic = outputTopic;
    this.producer = producer;
    this.deadLetters = deadLetters;
    this.meters = meters;
  }

  /** A pool of {@code threads} daemon threads named after the stage. */
  static ExecutorService pool(String stageName, int threads) {
    java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
    return Executors.newFixedThreadPool(
        threads,
        r -> {
          Thread t = new Thread(r, stageName + "-pool-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
  }

  /**
   * A poll's chunks handed to the pool (or, without one, left to {@link #finish}): each is decoded
   * here (a record that does not decode is dead-lettered at once, into {@code sends}) and submitted
   * as soon as it is, so the workers start while the rest decode. {@link #finish} produces the
   * outputs.
   */
  InFlight<I, O> start(
      List<ConsumerRecord<byte[], byte[]>> all,
      int batchSize,
      ExecutorService pool,
      List<Future<RecordMetadata>> sends) {
    List<Decoded<I>> chunks = new ArrayList<>();
    List<Future<List<Stage.Outcome<O>>>> results = new ArrayList<>();
    for (int i = 0; i < all.size(); i += batchSize) {
      Decoded<I> d = decode(all.subList(i, Math.min(all.size(), i + batchSize)), sends);
      chunks.add(d);
      // Without a pool a chunk is computed in finish(), just before its outputs are produced: a
      // poll's first chunk goes out while the next is computed, as a batch should.
      results.add(
          pool == null
              ? new java.util.concurrent.FutureTask<>(() -> compute(d))
              : pool.submit(() -> compute(d)));
    }
    return new InFlight<>(chunks, results, pool == null);
  }

  /**
   * Waits for a started poll's chunks and produces their outputs (or dead letters), here, on the
   * consumer's thread, in record order.
   */
  void finish(InFlight<I, O> work, List<Future<RecordMetadata>> sends) throws InterruptedException {
    for (int i = 0; i < work.chunks.size(); i++) {
      List<Stage.Outcome<O>> outcomes;
      try {
        if (work.inline) ((java.util.concurrent.FutureTask<?>) work.results.get(i)).run();
        outcomes = work.results.get(i).get();
      } catch (ExecutionException e) {
        // compute() turns a stage's exceptions into outcomes; what escapes it is an Error: stop
        // uncommitted
        throw new IllegalStateException("a " + stage.name() + " stage call failed", e.getCause());
      }
      emit(work.chunks.get(i), outcomes, sends);
    }
  }

  /** A poll's chunks, decoded, and their stage calls submitted to the pool. */
  record InFlight<I, O>(
      List<Decoded<I>> chunks, List<Future<List<Stage.Outcome<O>>>> results, boolean inline) {
    /** Whether every stage call has returned (inline ones run in finish()). */
    boolean done() {
      return results.stream().allMatch(Future::isDone);
    }
  }

  /**
   * A chunk's records that decoded, and their inputs; those that did not are already dead-lettered.
   */
  private record Decoded<I>(List<ConsumerRecord<byte[], byte[]>> good, List<I> inputs) {}

  private Decoded<I> decode(
      List<ConsumerRecord<byte[], byte[]>> chunk, List<Future<RecordMetadata>> sends) {
    List<ConsumerRecord<byte[], byte[]>> good = new ArrayList<>();
    List<I> inputs = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : chunk) {
      try {
        inputs.add(inputDeserializer.deserialize(r.topic(), r.value()));
        good.add(r);
      } catch (SchemaRegistryClient.RegistryUnavailableException e) {
        throw e; // nothing wrong with the record: stop uncommitted, so that it is replayed, not
        // dead-lettered
      } catch (RuntimeException e) {
        failed.incrementAndGet();
        meters.deadLettered.increment();
        sends.add(deadLetters.send(r, e));
      }
    }
    return new Decoded<>(good, inputs);
  }

  /** The stage call for one chunk; touches no Kafka client, so it may run on a pool thread. */
  private List<Stage.Outcome<O>> compute(Decoded<I> d) {
    List<I> inputs = d.inputs();
    if (inputs.isEmpty()) {
      return List.of();
    }
    List<Stage.Outcome<O>> outcomes;
    meters.batchSizes.record(inputs.size());
    long t0 = System.nanoTime();
    try {
      outcomes = stage.process(inputs);
      meters.processTime.record(System.nanoTime() - t0, java.util.concurrent.TimeUnit.NANOSECONDS);
    } catch (RuntimeException batchFailure) {
      // One bad input must not sink its batch-mates: retry one by one to isolate it.
      outcomes = new ArrayList<>();
      for (I in : inputs) {
        try {
          outcomes.addAll(stage.process(List.of(in)));
        } catch (RuntimeException e) {
          outcomes.add(Stage.Outcome.failed(e));
        }
      }
    }
    return outcomes;
  }

  /** Produces a chunk's outputs or dead letters; on the consumer's thread only. */
  private void emit(
      Decoded<I> d, List<Stage.Outcome<O>> outcomes, List<Future<RecordMetadata>> sends) {
    List<ConsumerRecord<byte[], byte[]>> good = d.good();
    for (int i = 0; i < good.size(); i++) {
      ConsumerRecord<byte[], byte[]> r = good.get(i);
      Stage.Outcome<O> outcome = outcomes.get(i);
      if (outcome.failure() != null) {
        failed.incrementAndGet();
        meters.deadLettered.increment();
        sends.add(deadLetters.send(r, outcome.failure()));
        continue;
      }
      for (O out : outcome.outputs()) {
        String key = outputKey.apply(out);
        sends.add(
            producer.send(
                new ProducerRecord<>(
                    outputTopic,
                    key.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    outputSerializer.serialize(outputTopic, out))));
        meters.recordsOut.increment();
      }
      processed.incrementAndGet();
    }
  }
}
