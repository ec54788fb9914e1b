package org.wsol.saliency.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * Float tensors in and out of libtorch with one copy each way.
 *
 * <p>Why not DJL's own {@code create(float[])} and {@code toFloatArray()}: create copies the array
 * into a new direct buffer per call, which malloc takes from memory it has not used since (the old
 * buffers are freed only when the garbage collector finds them), so every pass zeroes and
 * page-faults 1.2 MB an image afresh. toFloatArray copies the tensor into a new byte[] through JNI
 * and then again into the float[]. Measured on the default mode's passes: ~240 page faults a
 * single-image pass with the former, ~45 with a reused buffer (BENCHMARKS.md).
 *
 * <p>Not thread-safe: one input buffer, reused by pass after pass; the caller serialises passes and
 * closes each input tensor before the next pass.
 */
final class TensorIO {
  private ByteBuffer input;

  /**
   * A tensor of this shape over {@code values}, copied once into a direct buffer that this object
   * reuses: the tensor must be closed before the next call.
   */
  NDArray input(NDManager m, float[] values, Shape shape) {
    if (shape.size() != values.length) {
      throw new IllegalArgumentException(values.length + " values for shape " + shape);
    }
    int bytes = Math.multiplyExact(values.length, Float.BYTES);
    if (input == null || input.capacity() < bytes) {
      input = ByteBuffer.allocateDirect(bytes);
    }
    input.clear().limit(bytes);
    ByteBuffer view = input.slice().order(ByteOrder.nativeOrder());
    view.asFloatBuffer().put(values);
    return m.create(view, shape, DataType.FLOAT32);
  }

  /** The tensor's values, row-major, read through a direct view of its memory (one copy). */
  static float[] floats(NDArray a) {
    if (a.getDataType() != DataType.FLOAT32) {
      return a.toFloatArray();
    }
    // tryDirect: a view of the (contiguous) tensor's own memory, valid while the tensor lives.
    FloatBuffer view = a.toByteBuffer(true).asFloatBuffer();
    float[] out = new float[view.remaining()];
    view.get(out);
    return out;
  }
}
