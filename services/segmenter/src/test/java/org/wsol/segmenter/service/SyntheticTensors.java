package org.wsol.segmenter.service;

import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import org.wsol.common.image.HalfFloats;
import org.wsol.common.image.RgbImages;
import org.wsol.schema.MapDtype;
import org.wsol.schema.SaliencyTensor;

/** Small valid SaliencyTensors: a red square on blue, its saliency a blob over the square. */
final class SyntheticTensors {
  static final int SIZE = 32;

  private SyntheticTensors() {}

  static float[] blob(int w, int h) {
    float[] map = new float[w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        double dx = x - w / 2.0;
        double dy = y - h / 2.0;
        map[y * w + x] = (float) Math.exp(-(dx * dx + dy * dy) / (w * h / 16.0));
      }
    }
    return map;
  }

  static byte[] workingImage(int w, int h) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        boolean in = Math.abs(x - w / 2) < w / 4 && Math.abs(y - h / 2) < h / 4;
        img.setRGB(x, y, in ? 0xD02020 : 0x2040C0);
      }
    }
    return RgbImages.jpeg(img, 0.95f);
  }

  static SaliencyTensor.Builder tensor(String imageId, int rank, int topK) {
    return SaliencyTensor.newBuilder()
        .setImageId(imageId)
        .setClassIndex(rank)
        .setClassLabel("class-" + rank)
        .setRank(rank)
        .setTopK(topK)
        .setScore(10f - rank)
        .setMapWidth(SIZE)
        .setMapHeight(SIZE)
        .setMapDtype(MapDtype.FLOAT16)
        .setMapData(ByteBuffer.wrap(HalfFloats.encode(blob(SIZE, SIZE))))
        .setWorkingImage(ByteBuffer.wrap(workingImage(SIZE, SIZE)))
        .setOriginalWidth(SIZE * 4)
        .setOriginalHeight(SIZE * 4)
        .setModelId("synthetic")
        .setImageProducedAt(Instant.now())
        .setSaliencyMs(0f);
  }

  static ByteBuffer float32(float[] values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      b.putFloat(v);
    }
    return b.flip();
  }
}
