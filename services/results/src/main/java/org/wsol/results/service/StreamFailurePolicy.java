package org.wsol.results.service;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.LongSupplier;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TransactionAbortedException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;

/**
 * What to do when a results stream thread dies: replace the thread when the cause is the cluster (a
 * broker lost, a transaction coordinator moved: the transaction was aborted and a new thread takes
 * the work up again from the last commit, exactly once), shut the service down otherwise, and also
 * when the cluster keeps failing it ({@code maxReplacements} in {@code window}), so that a
 * supervisor sees the service exit (status 1) instead of a thread that dies forever.
 *
 * <p>Seen on a 3-node cluster: the node that led the most partitions killed with SIGKILL made the
 * next transaction commit fail with InvalidTxnStateException; shutting the client down on it left
 * the pipeline without a results service.
 */
final class StreamFailurePolicy {
  /** Errors of the cluster that a new producer (a new thread) gets past. */
  private static final List<Class<? extends Throwable>> TRANSIENT =
      List.of(
          RetriableException.class,
          InvalidTxnStateException.class,
          ProducerFencedException.class,
          InvalidProducerEpochException.class,
          TransactionAbortedException.class);

  private final int maxReplacements;
  private final long windowNanos;
  private final LongSupplier nanoClock;
  private final Deque<Long> replacements = new ArrayDeque<>();

  StreamFailurePolicy(int maxReplacements, Duration window, LongSupplier nanoClock) {
    this.maxReplacements = maxReplacements;
    this.windowNanos = window.toNanos();
    this.nanoClock = nanoClock;
  }

  /** Up to 5 replacements in 10 minutes. */
  static StreamFailurePolicy standard() {
    return new StreamFailurePolicy(5, Duration.ofMinutes(10), System::nanoTime);
  }

  synchronized StreamThreadExceptionResponse onFailure(Throwable e) {
    if (!causedByTheCluster(e)) {
      return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    }
    long now = nanoClock.getAsLong();
    while (!replacements.isEmpty() && now - replacements.peekFirst() > windowNanos) {
      replacements.removeFirst();
    }
    if (replacements.size() >= maxReplacements) {
      return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    }
    replacements.addLast(now);
    return StreamThreadExceptionResponse.REPLACE_THREAD;
  }

  static boolean causedByTheCluster(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      for (Class<? extends Throwable> c : TRANSIENT) {
        if (c.isInstance(t)) {
          return true;
        }
      }
    }
    return false;
  }
}
