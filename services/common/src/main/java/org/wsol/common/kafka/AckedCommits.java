package org.wsol.common.kafka;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The stages' delivery rule: commit past records only once everything sent for them is acked. */
final class AckedCommits {
  private static final Logger log = LoggerFactory.getLogger(AckedCommits.class);

  private AckedCommits() {}

  /**
   * Commits past {@code records} once every send of theirs (outputs and dead letters) is
   * acknowledged; a send that failed throws, and nothing is committed. Only partitions the consumer
   * still owns are committed: the records of one taken away by a rebalance while they were in
   * flight are replayed by its new owner (the results service counts a box once).
   */
  static void commit(
      Consumer<byte[], byte[]> consumer,
      Producer<byte[], byte[]> producer,
      List<ConsumerRecord<byte[], byte[]>> records,
      List<Future<RecordMetadata>> sends,
      String stageName)
      throws InterruptedException, ExecutionException {
    producer.flush();
    for (Future<RecordMetadata> f : sends) {
      f.get(); // a send that failed must not be committed past
    }
    Map<TopicPartition, OffsetAndMetadata> offsets = PolledRecords.nextOffsets(records);
    offsets.keySet().retainAll(consumer.assignment());
    if (offsets.isEmpty()) {
      return;
    }
    try {
      consumer.commitSync(offsets);
    } catch (CommitFailedException | RebalanceInProgressException e) {
      // The group rebalanced under us (a member died or joined). The outputs are already
      // acknowledged, so nothing is lost: whoever owns these partitions now replays from the last
      // commit, and the results service counts a replayed box once. Carry on; the next poll
      // rejoins the group.
      log.info(
          "{}: commit skipped during a rebalance ({}); the new owner replays these records",
          stageName,
          e.getClass().getSimpleName());
    }
  }
}
