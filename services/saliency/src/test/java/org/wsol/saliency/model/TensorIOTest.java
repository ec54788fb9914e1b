package org.wsol.saliency.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/** TensorIO's one-copy paths against DJL's own create and toFloatArray, on libtorch itself. */
class TensorIOTest {

  private static float[] ramp(int n, float scale) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (i - n / 3f) * scale;
    }
    return v;
  }

  @Test
  void inputsThroughTheReusedBufferHoldTheirValuesAtAnySize() {
    TensorIO io = new TensorIO();
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      // Large, then smaller (the buffer is reused), then larger again (it grows).
      for (int n : new int[] {6 * 35, 6, 12 * 50}) {
        float[] v = ramp(n, 0.25f);
        try (NDManager pass = m.newSubManager()) {
          NDArray x = io.input(pass, v, new Shape(n / 6, 6));
          assertArrayEquals(v, x.toFloatArray(), 0f);
          // libtorch computes on it: the tensor is really over these values.
          assertArrayEquals(pass.create(v).mul(2).toFloatArray(), x.mul(2).toFloatArray(), 0f);
        }
      }
      assertThrows(
          IllegalArgumentException.class, () -> io.input(m, new float[5], new Shape(2, 3)));
    }
  }

  @Test
  void floatsReadsContiguousAndStridedTensorsAsToFloatArrayDoes() {
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      NDArray a = m.create(ramp(4 * 7, 1.5f), new Shape(4, 7));
      assertArrayEquals(a.toFloatArray(), TensorIO.floats(a), 0f);
      NDArray t = a.transpose(); // a strided view: read in its own row-major order
      assertArrayEquals(t.toFloatArray(), TensorIO.floats(t), 0f);
    }
  }
}
