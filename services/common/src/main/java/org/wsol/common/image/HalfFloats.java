package org.wsol.common.image;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Saliency maps travel as IEEE 754 half floats, little-endian: half the bytes, precision to spare
 * for a map. Written out because {@code Float.floatToFloat16} arrived only in Java 20.
 */
public final class HalfFloats {
  private HalfFloats() {}

  public static byte[] encode(float[] values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      b.putShort(toHalf(v));
    }
    return b.array();
  }

  public static float[] decode(ByteBuffer data, int count) {
    ByteBuffer b = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    if (b.remaining() != count * 2) {
      throw new IllegalArgumentException(
          "map holds "
              + b.remaining()
              + " bytes, expected "
              + count * 2
              + " for "
              + count
              + " half floats");
    }
    float[] out = new float[count];
    for (int i = 0; i < count; i++) {
      out[i] = toFloat(b.getShort());
    }
    return out;
  }

  /** Round-to-nearest-even conversion; overflow goes to infinity, NaN stays NaN. */
  public static short toHalf(float f) {
    int bits = Float.floatToRawIntBits(f);
    int sign = (bits >>> 16) & 0x8000;
    int exp = (bits >>> 23) & 0xff;
    int mant = bits & 0x7fffff;
    if (exp == 0xff) {
      return (short) (sign | 0x7c00 | (mant != 0 ? 0x200 : 0));
    }
    int e = exp - 127 + 15;
    if (e >= 0x1f) {
      return (short) (sign | 0x7c00);
    }
    if (e <= 0) {
      if (e < -10) {
        return (short) sign;
      }
      mant |= 0x800000;
      int shift = 14 - e;
      int half = mant >> shift;
      int rem = mant & ((1 << shift) - 1);
      int mid = 1 << (shift - 1);
      if (rem > mid || (rem == mid && (half & 1) != 0)) {
        half++;
      }
      return (short) (sign | half);
    }
    int half = (e << 10) | (mant >> 13);
    int rem = mant & 0x1fff;
    if (rem > 0x1000 || (rem == 0x1000 && (half & 1) != 0)) {
      half++; // may carry into the exponent, which is the right rounding
    }
    return (short) (sign | half);
  }

  public static float toFloat(short h) {
    int bits = h & 0xffff;
    int sign = (bits & 0x8000) << 16;
    int exp = (bits >>> 10) & 0x1f;
    int mant = bits & 0x3ff;
    if (exp == 0) {
      float v = mant * 0x1p-24f;
      return sign != 0 ? -v : v;
    }
    if (exp == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
    }
    return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
  }
}
