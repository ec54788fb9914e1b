package org.wsol.results.aggregate;

/** A box that cannot belong to its image's result (the reason goes to the dead-letter topic). */
public final class InvalidBoxException extends RuntimeException {
  public InvalidBoxException(String message) {
    super(message);
  }
}
