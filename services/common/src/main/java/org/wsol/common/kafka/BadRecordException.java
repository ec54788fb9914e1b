package org.wsol.common.kafka;

/**
 * Input that can never be processed (corrupt, oversized, inconsistent): it goes to the dead-letter
 * topic.
 */
public class BadRecordException extends RuntimeException {
  public BadRecordException(String reason) {
    super(reason);
  }

  public BadRecordException(String reason, Throwable cause) {
    super(reason, cause);
  }
}
