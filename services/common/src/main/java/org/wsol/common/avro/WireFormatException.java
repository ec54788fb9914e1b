package org.wsol.common.avro;

/** A record whose bytes cannot be read as the expected Avro type. */
public class WireFormatException extends RuntimeException {
  public WireFormatException(String message) {
    super(message);
  }

  public WireFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
