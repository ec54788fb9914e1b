package org.wsol.common.image;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import org.wsol.common.kafka.BadRecordException;

/** Image decoding with limits, resizing, and PNG encoding (JDK ImageIO only). */
public final class RgbImages {
  private RgbImages() {}

  /**
   * Decodes an encoded image to RGB. Refuses, with a reason a person can act on: empty input, more
   * than {@code maxBytes}, an unknown format, a header declaring more than {@code maxPixels}
   * (checked before any pixel is decoded, so a decompression bomb costs nothing), and corrupt or
   * truncated data.
   */
  public static BufferedImage decode(byte[] bytes, long maxBytes, long maxPixels) {
    return decode(
        bytes,
        maxBytes,
        (w, h) -> {
          if (w <= 0 || h <= 0 || w * h > maxPixels) {
            throw new BadRecordException(
                "image declares "
                    + w
                    + "x"
                    + h
                    + " pixels, over image.max.pixels="
                    + maxPixels
                    + ": refused before decoding");
          }
        });
  }

  /**
   * Decodes an image that must be exactly {@code width x height} (a working image travelling with
   * its map); any other declared size is refused before decoding, with both sizes in the reason.
   */
  public static BufferedImage decodeExactly(byte[] bytes, int width, int height, String what) {
    return decode(
        bytes,
        Integer.MAX_VALUE,
        (w, h) -> {
          if (w != width || h != height) {
            throw new BadRecordException(
                what
                    + " is "
                    + w
                    + "x"
                    + h
                    + " but must be "
                    + width
                    + "x"
                    + height
                    + ": they must align pixel for pixel");
          }
        });
  }

  private interface SizeCheck {
    void check(long width, long height);
  }

  private static BufferedImage decode(byte[] bytes, long maxBytes, SizeCheck sizeCheck) {
    if (bytes == null || bytes.length == 0) {
      throw new BadRecordException("empty image: the record carries no image bytes");
    }
    if (bytes.length > maxBytes) {
      throw new BadRecordException(
          "image of "
              + bytes.length
              + " bytes exceeds image.max.bytes="
              + maxBytes
              + ": send a smaller image, raise the limit, or send a URI");
    }
    // In memory: ImageIO.createImageInputStream would copy every image to a temporary file first.
    try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw new BadRecordException(
            "unsupported or unrecognised image format ("
                + bytes.length
                + " bytes): send JPEG, PNG, BMP or GIF");
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        sizeCheck.check(reader.getWidth(0), reader.getHeight(0));
        // Decoders patch over truncated data with grey and only warn (JPEG: "Premature end of JPEG
        // file").
        java.util.List<String> warnings = new java.util.ArrayList<>();
        reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
        BufferedImage img = reader.read(0);
        if (!warnings.isEmpty()) {
          throw new BadRecordException(
              "corrupt or truncated image: " + String.join("; ", warnings));
        }
        return toRgb(img);
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof BadRecordException b) {
        throw b;
      }
      throw new BadRecordException("corrupt or truncated image: " + e.getMessage(), e);
    }
  }

  public static BufferedImage toRgb(BufferedImage img) {
    if (img.getType() == BufferedImage.TYPE_INT_RGB) {
      return img;
    }
    BufferedImage rgb =
        new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = rgb.createGraphics();
    g.drawImage(img, 0, 0, java.awt.Color.WHITE, null);
    g.dispose();
    return rgb;
  }

  /** Bilinear resize to exactly w x h. */
  public static BufferedImage resize(BufferedImage img, int w, int h) {
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    g.setRenderingHint(
        RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
    g.drawImage(img, 0, 0, w, h, null);
    g.dispose();
    return out;
  }

  /** Resizes so that the shorter side is {@code side}, keeping the aspect ratio. */
  public static BufferedImage resizeShorterSide(BufferedImage img, int side) {
    int w = img.getWidth();
    int h = img.getHeight();
    double s = (double) side / Math.min(w, h);
    return resize(img, Math.max(1, (int) Math.round(w * s)), Math.max(1, (int) Math.round(h * s)));
  }

  public static int[] pixels(BufferedImage img) {
    return toRgb(img).getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
  }

  public static BufferedImage fromPixels(int[] rgb, int w, int h) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    img.setRGB(0, 0, w, h, rgb, 0, w);
    return img;
  }

  /**
   * JPEG at the given quality (0..1); the working images travel like this, a quarter of PNG's size.
   */
  public static byte[] jpeg(BufferedImage img, float quality) {
    javax.imageio.ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    try (ByteArrayOutputStream out = new ByteArrayOutputStream();
        javax.imageio.stream.ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
      javax.imageio.ImageWriteParam p = writer.getDefaultWriteParam();
      p.setCompressionMode(javax.imageio.ImageWriteParam.MODE_EXPLICIT);
      p.setCompressionQuality(quality);
      writer.setOutput(ios);
      writer.write(null, new javax.imageio.IIOImage(toRgb(img), null, null), p);
      ios.flush();
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      writer.dispose();
    }
  }

  public static byte[] png(BufferedImage img) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ImageIO.write(img, "png", out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
