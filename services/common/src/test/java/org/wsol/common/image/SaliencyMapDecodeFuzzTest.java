package org.wsol.common.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import org.wsol.common.kafka.BadRecordException;
import org.wsol.schema.MapDtype;
import org.wsol.schema.SaliencyTensor;

/**
 * A saliency record's map from outside (the saliency topic): any shape, dtype and bytes. {@link
 * SaliencyMaps#decode} returns exactly width x height values, each equal to an independent reading
 * of the half float (or float) bits, or refuses with a {@link BadRecordException}; anything else is
 * a finding.
 */
class SaliencyMapDecodeFuzzTest {
  @FuzzTest(maxDuration = "60s")
  void decodeReadsEveryValueOrRefusesTheShape(FuzzedDataProvider data) {
    int width = data.consumeBoolean() ? data.consumeInt() : data.consumeInt(0, 64);
    int height = data.consumeBoolean() ? data.consumeInt() : data.consumeInt(0, 64);
    MapDtype dtype = data.consumeBoolean() ? MapDtype.FLOAT16 : MapDtype.FLOAT32;
    byte[] bytes = data.consumeRemainingAsBytes();
    SaliencyTensor t =
        SaliencyTensor.newBuilder()
            .setImageId("fuzz")
            .setClassIndex(0)
            .setClassLabel("c")
            .setRank(1)
            .setTopK(1)
            .setScore(0f)
            .setMapWidth(width)
            .setMapHeight(height)
            .setMapDtype(dtype)
            .setMapData(ByteBuffer.wrap(bytes))
            .setWorkingImage(ByteBuffer.allocate(0))
            .setOriginalWidth(1)
            .setOriginalHeight(1)
            .setModelId("m")
            .setImageProducedAt(Instant.EPOCH)
            .setSaliencyMs(0f)
            .build();
    float[] map;
    try {
      map = SaliencyMaps.decode(t);
    } catch (BadRecordException e) {
      assertFalse(e.getMessage() == null || e.getMessage().isBlank(), "a refusal says why");
      return;
    }
    assertEquals((long) width * height, map.length, "one value per pixel");
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < map.length; i++) {
      float expected = dtype == MapDtype.FLOAT16 ? halfBits(b.getShort()) : b.getFloat();
      assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(map[i]), "value " + i);
    }
  }

  /**
   * IEEE 754 binary16 read by its definition (sign, 5-bit exponent biased 15, 10-bit fraction): the
   * reference.
   */
  static float halfBits(short h) {
    int sign = (h >> 15) & 1;
    int exponent = (h >> 10) & 0x1F;
    int fraction = h & 0x3FF;
    double value;
    if (exponent == 0) {
      value = fraction / 1024.0 * Math.pow(2, -14);
    } else if (exponent == 31) {
      if (fraction != 0) {
        return Float.intBitsToFloat(
            (sign << 31) | 0x7F800000 | (fraction << 13)); // NaN, payload kept
      }
      value = Double.POSITIVE_INFINITY;
    } else {
      value = (1 + fraction / 1024.0) * Math.pow(2, exponent - 15);
    }
    return (float) (sign == 1 ? -value : value);
  }
}
