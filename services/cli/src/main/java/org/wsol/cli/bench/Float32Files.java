package org.wsol.cli.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** Float arrays as little-endian float32 files: how inputs and maps pass to and from PyTorch. */
final class Float32Files {
  private Float32Files() {}

  static Path write(float[] data, Path file) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(data);
    Files.write(file, b.array());
    return file;
  }

  static float[] read(Path file) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    float[] f = new float[b.remaining() / 4];
    b.asFloatBuffer().get(f);
    return f;
  }
}
