package org.wsol.results.http;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.Consumer;

/**
 * Stopping a thread that polls a Kafka consumer in a loop ({@link LiveResults}, {@link
 * SaliencyPreviews}): the loop closes its own consumer when it ends, so only a thread that never
 * ran leaves the consumer to close here; a running one is woken out of its poll and joined.
 */
final class ConsumerThreads {
  private ConsumerThreads() {}

  static void stop(AtomicBoolean running, Consumer<?, ?> consumer, Thread thread) {
    running.set(false);
    if (!thread.isAlive()) {
      consumer.close(Duration.ofSeconds(2));
      return;
    }
    consumer.wakeup();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
