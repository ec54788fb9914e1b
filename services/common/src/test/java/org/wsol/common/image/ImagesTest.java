package org.wsol.common.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.wsol.common.kafka.BadRecordException;

public class ImagesTest {
  static final long MAX_BYTES = 1_000_000;
  static final long MAX_PIXELS = 10_000_000;

  public static byte[] encode(BufferedImage img, String format) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, format, out);
    return out.toByteArray();
  }

  public static BufferedImage gradient(int w, int h) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, (x * 255 / w) << 16 | (y * 255 / h) << 8 | 77);
      }
    }
    return img;
  }

  /**
   * A valid PNG signature and IHDR declaring w x h, followed by a tiny IDAT: a decompression bomb's
   * header.
   */
  static byte[] pngDeclaring(int w, int h) {
    ByteBuffer b = ByteBuffer.allocate(64);
    b.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
    ByteBuffer ihdr = ByteBuffer.allocate(17);
    ihdr.put(new byte[] {'I', 'H', 'D', 'R'})
        .putInt(w)
        .putInt(h)
        .put((byte) 8)
        .put((byte) 2)
        .put((byte) 0)
        .put((byte) 0)
        .put((byte) 0);
    b.putInt(13).put(ihdr.array());
    CRC32 crc = new CRC32();
    crc.update(ihdr.array());
    b.putInt((int) crc.getValue());
    b.putInt(0).put(new byte[] {'I', 'D', 'A', 'T'});
    CRC32 c2 = new CRC32();
    c2.update(new byte[] {'I', 'D', 'A', 'T'});
    b.putInt((int) c2.getValue());
    return Arrays.copyOf(b.array(), b.position());
  }

  @Test
  void decodesPngAndJpegToRgb() throws Exception {
    BufferedImage src = gradient(40, 30);
    for (String fmt : new String[] {"png", "jpg", "bmp"}) {
      BufferedImage img = RgbImages.decode(encode(src, fmt), MAX_BYTES, MAX_PIXELS);
      assertEquals(40, img.getWidth());
      assertEquals(30, img.getHeight());
      assertEquals(BufferedImage.TYPE_INT_RGB, img.getType());
    }
    assertEquals(
        src.getRGB(13, 7),
        RgbImages.decode(encode(src, "png"), MAX_BYTES, MAX_PIXELS).getRGB(13, 7));
  }

  @Test
  void refusesEmpty() {
    var e =
        assertThrows(
            BadRecordException.class, () -> RgbImages.decode(new byte[0], MAX_BYTES, MAX_PIXELS));
    assertTrue(e.getMessage().contains("empty"), e.getMessage());
  }

  @Test
  void refusesOversizedBytes() throws Exception {
    byte[] png = encode(gradient(40, 30), "png");
    var e =
        assertThrows(
            BadRecordException.class, () -> RgbImages.decode(png, png.length - 1, MAX_PIXELS));
    assertTrue(e.getMessage().contains("image.max.bytes"), e.getMessage());
  }

  @Test
  void refusesUnknownFormat() {
    var e =
        assertThrows(
            BadRecordException.class,
            () ->
                RgbImages.decode(
                    "GIF-ish but not really an image".getBytes(), MAX_BYTES, MAX_PIXELS));
    assertTrue(e.getMessage().contains("unsupported"), e.getMessage());
  }

  @Test
  void refusesTruncatedJpeg() throws Exception {
    byte[] jpg = encode(gradient(200, 150), "jpg");
    byte[] cut = Arrays.copyOf(jpg, jpg.length / 3);
    var e =
        assertThrows(BadRecordException.class, () -> RgbImages.decode(cut, MAX_BYTES, MAX_PIXELS));
    assertTrue(e.getMessage().contains("corrupt or truncated"), e.getMessage());
  }

  @Test
  void refusesDecompressionBombBeforeDecoding() {
    byte[] bomb = pngDeclaring(100_000, 100_000);
    var e =
        assertThrows(BadRecordException.class, () -> RgbImages.decode(bomb, MAX_BYTES, MAX_PIXELS));
    assertTrue(e.getMessage().contains("100000x100000"), e.getMessage());
    assertTrue(e.getMessage().contains("refused before decoding"), e.getMessage());
  }

  @Test
  void resizesShorterSide() {
    BufferedImage img = RgbImages.resizeShorterSide(gradient(500, 375), 256);
    assertEquals(256, img.getHeight());
    assertEquals(341, img.getWidth());
  }
}
