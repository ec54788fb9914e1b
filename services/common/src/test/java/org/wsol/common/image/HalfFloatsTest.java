package org.wsol.common.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HalfFloatsTest {
  @Test
  void knownBitPatterns() {
    assertEquals((short) 0x3c00, HalfFloats.toHalf(1f));
    assertEquals((short) 0xc000, HalfFloats.toHalf(-2f));
    assertEquals((short) 0x7bff, HalfFloats.toHalf(65504f));
    assertEquals((short) 0x7c00, HalfFloats.toHalf(1e6f));
    assertEquals((short) 0x0001, HalfFloats.toHalf(0x1p-24f));
    assertEquals((short) 0x3555, HalfFloats.toHalf(1f / 3));
    assertTrue(Float.isNaN(HalfFloats.toFloat(HalfFloats.toHalf(Float.NaN))));
    assertEquals(
        Float.NEGATIVE_INFINITY, HalfFloats.toFloat(HalfFloats.toHalf(Float.NEGATIVE_INFINITY)));
  }

  @Test
  void roundTripWithinHalfPrecision() {
    Random r = new Random(1);
    float[] v = new float[10_000];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(8) - 5));
    }
    float[] back = HalfFloats.decode(ByteBuffer.wrap(HalfFloats.encode(v)), v.length);
    for (int i = 0; i < v.length; i++) {
      if (Math.abs(v[i]) > 6.2e-5f) { // normal range: relative error at most 2^-11
        assertEquals(v[i], back[i], Math.abs(v[i]) * 0x1p-11f, "at " + i);
      } else {
        assertEquals(v[i], back[i], 0x1p-25f, "subnormal at " + i);
      }
    }
  }

  @Test
  void everyHalfRoundTripsExactly() {
    for (int h = 0; h < 0x10000; h++) {
      float f = HalfFloats.toFloat((short) h);
      if (!Float.isNaN(f)) {
        assertEquals((short) h, HalfFloats.toHalf(f), "half 0x" + Integer.toHexString(h));
      }
    }
  }
}
