package org.wsol.cli;

/**
 * The format an image file's first bytes announce: a cheap pre-check for {@code produce}, which
 * warns about a file that is not an image but still sends it (the saliency service's verdict is the
 * one that counts).
 */
final class ImageHeader {
  /** Bytes to read: the longest signature (PNG's) is 8. */
  static final int LENGTH = 8;

  private ImageHeader() {}

  /** "JPEG", "PNG", "BMP" or "GIF", or null when the bytes start like none of them. */
  static String format(byte[] head) {
    if (startsWith(head, 0xFF, 0xD8, 0xFF)) {
      return "JPEG";
    }
    if (startsWith(head, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
      return "PNG";
    }
    if (startsWith(head, 'B', 'M')) {
      return "BMP";
    }
    if (startsWith(head, 'G', 'I', 'F', '8', '7', 'a')
        || startsWith(head, 'G', 'I', 'F', '8', '9', 'a')) {
      return "GIF";
    }
    return null;
  }

  private static boolean startsWith(byte[] head, int... signature) {
    if (head.length < signature.length) {
      return false;
    }
    for (int i = 0; i < signature.length; i++) {
      if ((head[i] & 0xFF) != signature[i]) {
        return false;
      }
    }
    return true;
  }
}
