package org.wsol.common.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * A poll whose stage calls run on the pool: its records (what to commit past), the sends made for
 * it so far (dead letters of records that did not decode; then its outputs), and the chunks at
 * work.
 */
record InFlightPoll<I, O>(
    List<ConsumerRecord<byte[], byte[]>> records,
    List<Future<RecordMetadata>> sends,
    ChunkWork.InFlight<I, O> work) {

  static <I, O> InFlightPoll<I, O> start(
      ChunkWork<I, O> chunks,
      List<ConsumerRecord<byte[], byte[]>> records,
      int batchSize,
      ExecutorService pool) {
    List<Future<RecordMetadata>> sends = new ArrayList<>();
    return new InFlightPoll<>(records, sends, chunks.start(records, batchSize, pool, sends));
  }

  /** Waits for the stage calls, produces their outputs, and commits once all are acknowledged. */
  void finishAndCommit(
      ChunkWork<I, O> chunks,
      Consumer<byte[], byte[]> consumer,
      Producer<byte[], byte[]> producer,
      String stageName)
      throws InterruptedException, ExecutionException {
    chunks.finish(work, sends);
    AckedCommits.commit(consumer, producer, records, sends, stageName);
  }
}
