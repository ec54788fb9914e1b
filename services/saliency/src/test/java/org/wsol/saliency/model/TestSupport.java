package org.wsol.saliency.model;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import javax.imageio.ImageIO;

/** Shared model (loaded once per test JVM) and resource readers. */
final class TestSupport {

  private static SaliencyModel model;

  private TestSupport() {}

  static synchronized SaliencyModel model() {
    if (model == null) {
      model = SaliencyModel.load(ModelSpec.bundledDefault());
    }
    return model;
  }

  /**
   * The fixtures' 224 x 224 photos (listed in {@code images} with a "pixels" file each), normalised
   * for spec.
   */
  static float[] fixtureInput(
      com.fasterxml.jackson.databind.JsonNode images, int size, ModelSpec spec) {
    int sample = 3 * size * size;
    float[] input = new float[images.size() * sample];
    for (int i = 0; i < images.size(); i++) {
      byte[] hwc = bytes("fixtures/" + images.get(i).get("pixels").asText());
      int[] rgb = new int[size * size];
      for (int p = 0; p < rgb.length; p++) {
        rgb[p] = (hwc[3 * p] & 0xff) << 16 | (hwc[3 * p + 1] & 0xff) << 8 | (hwc[3 * p + 2] & 0xff);
      }
      CropInputs.normalise(
          rgb, size, 0, 0, size, false, spec.mean(), spec.std(), input, i * sample);
    }
    return input;
  }

  static byte[] bytes(String resource) {
    try (InputStream in = TestSupport.class.getResourceAsStream("/" + resource)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + resource);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static float[] floatsLE(String resource) {
    ByteBuffer b = ByteBuffer.wrap(bytes(resource)).order(ByteOrder.LITTLE_ENDIAN);
    float[] f = new float[b.remaining() / 4];
    b.asFloatBuffer().get(f);
    return f;
  }

  static BufferedImage photo(String name) {
    try {
      return ImageIO.read(TestSupport.class.getResourceAsStream("/photos/" + name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** ||a - b|| / ||b||. */
  static double relError(float[] a, float[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException(a.length + " != " + b.length);
    }
    double d = 0;
    double n = 0;
    for (int i = 0; i < a.length; i++) {
      d += (double) (a[i] - b[i]) * (a[i] - b[i]);
      n += (double) b[i] * b[i];
    }
    return Math.sqrt(d / n);
  }
}
