package org.wsol.results.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.junit.jupiter.api.Test;

class StreamFailurePolicyTest {
  private final AtomicLong now = new AtomicLong();
  private final StreamFailurePolicy policy =
      new StreamFailurePolicy(2, Duration.ofSeconds(60), now::get);

  /** What a SIGKILLed broker did to the results service: a failed commit. */
  static Throwable failedCommit() {
    return new StreamsException(
        "Error encountered trying to commit a transaction",
        new InvalidTxnStateException(
            "The producer attempted a transactional operation in an invalid state."));
  }

  @Test
  void aTransactionTheClusterBrokeReplacesTheThread() {
    assertEquals(StreamThreadExceptionResponse.REPLACE_THREAD, policy.onFailure(failedCommit()));
    assertEquals(
        StreamThreadExceptionResponse.REPLACE_THREAD,
        policy.onFailure(new StreamsException(new NotLeaderOrFollowerException("moved"))));
  }

  @Test
  void aBugOrBadDataShutsTheServiceDown() {
    assertEquals(
        StreamThreadExceptionResponse.SHUTDOWN_CLIENT,
        policy.onFailure(new StreamsException(new IllegalStateException("a bug"))));
    assertEquals(
        StreamThreadExceptionResponse.SHUTDOWN_CLIENT,
        policy.onFailure(new SerializationException("bad bytes")));
  }

  @Test
  void aClusterThatKeepsFailingShutsTheServiceDownUntilTheWindowPasses() {
    assertEquals(StreamThreadExceptionResponse.REPLACE_THREAD, policy.onFailure(failedCommit()));
    now.addAndGet(Duration.ofSeconds(30).toNanos());
    assertEquals(StreamThreadExceptionResponse.REPLACE_THREAD, policy.onFailure(failedCommit()));
    assertEquals(StreamThreadExceptionResponse.SHUTDOWN_CLIENT, policy.onFailure(failedCommit()));
    now.addAndGet(Duration.ofSeconds(31).toNanos()); // the first replacement is out of the window
    assertEquals(StreamThreadExceptionResponse.REPLACE_THREAD, policy.onFailure(failedCommit()));
  }
}
