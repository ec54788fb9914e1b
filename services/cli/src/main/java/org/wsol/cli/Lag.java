package org.wsol.cli;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** Consumer lag of a group on a topic: records written but not yet committed by the group. */
public final class Lag {
  private Lag() {}

  public static long of(Admin admin, String group, String topic)
      throws ExecutionException, InterruptedException {
    Map<TopicPartition, OffsetAndMetadata> committed =
        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    admin
        .describeTopics(List.of(topic))
        .allTopicNames()
        .get()
        .get(topic)
        .partitions()
        .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
    long lag = 0;
    for (var e : admin.listOffsets(latest).all().get().entrySet()) {
      OffsetAndMetadata c = committed.get(e.getKey());
      lag += e.getValue().offset() - (c == null ? 0 : c.offset());
    }
    return lag;
  }

  /**
   * Waits until the group's lag on the topic is 0; false if it is still behind after {@code
   * timeout}.
   */
  public static boolean awaitZero(Admin admin, String group, String topic, Duration timeout)
      throws ExecutionException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (of(admin, group, topic) > 0) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(200);
    }
    return true;
  }
}
