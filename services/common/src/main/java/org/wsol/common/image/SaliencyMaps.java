package org.wsol.common.image;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.wsol.common.kafka.BadRecordException;
import org.wsol.schema.MapDtype;
import org.wsol.schema.SaliencyTensor;

/** The map of a SaliencyTensor as floats, whatever dtype it travelled in. */
public final class SaliencyMaps {
  private SaliencyMaps() {}

  public static float[] decode(SaliencyTensor t) {
    long pixels =
        (long) t.getMapWidth()
            * t.getMapHeight(); // long: a forged shape must not wrap to a small count
    int bytesPer = t.getMapDtype() == MapDtype.FLOAT16 ? 2 : 4;
    ByteBuffer data = t.getMapData();
    if (t.getMapWidth() <= 0 || t.getMapHeight() <= 0 || data.remaining() != pixels * bytesPer) {
      throw new BadRecordException(
          "map_data holds "
              + data.remaining()
              + " bytes, but a "
              + t.getMapWidth()
              + "x"
              + t.getMapHeight()
              + " "
              + t.getMapDtype()
              + " map needs "
              + pixels * bytesPer);
    }
    int count = (int) pixels;
    if (t.getMapDtype() == MapDtype.FLOAT16) {
      return HalfFloats.decode(data, count);
    }
    float[] out = new float[count];
    data.duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
    return out;
  }

  public static byte[] workingImageBytes(SaliencyTensor t) {
    byte[] out = new byte[t.getWorkingImage().remaining()];
    t.getWorkingImage().duplicate().get(out);
    return out;
  }
}
