package org.wsol.common.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.awt.image.BufferedImage;
import org.wsol.common.kafka.BadRecordException;

/**
 * Image bytes from outside (the images topic): whatever they hold, {@link Images#decode} returns an
 * RGB image within the size limit or refuses with a {@link BadRecordException} and a reason; any
 * other exception or error is a finding. In the suite this runs the committed corpus only; {@code
 * -Pfuzz} fuzzes (pom.xml, scripts/fuzz).
 */
class ImageDecodeFuzzTest {
  static final long MAX_BYTES = 256 * 1024;
  static final long MAX_PIXELS = 128 * 128;

  @FuzzTest(maxDuration = "60s")
  void decodeReturnsABoundedRgbImageOrRefusesWithAReason(byte[] bytes) {
    try {
      BufferedImage img = RgbImages.decode(bytes, MAX_BYTES, MAX_PIXELS);
      assertTrue(img.getWidth() > 0 && img.getHeight() > 0);
      assertTrue(
          (long) img.getWidth() * img.getHeight() <= MAX_PIXELS, "over the pixel limit: " + img);
      assertEquals(BufferedImage.TYPE_INT_RGB, img.getType());
    } catch (BadRecordException e) {
      assertFalse(e.getMessage() == null || e.getMessage().isBlank(), "a refusal says why");
    }
  }
}
