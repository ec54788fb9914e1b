package org.wsol.saliency.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.utils.ByteBufferOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.wsol.common.avro.WireFormat;
import org.wsol.common.config.Defaults;
import org.wsol.common.config.Settings;
import org.wsol.common.kafka.Stage;
import org.wsol.saliency.model.ModelSpec;
import org.wsol.saliency.model.SaliencyModel;
import org.wsol.schema.ImageEvent;
import org.wsol.schema.SaliencyTensor;

/**
 * The record size claim: one SaliencyTensor (half-float map at the 256-px working size + the JPEG
 * working image) of a real photo, serialized as it goes on the topic, raw and as the producer's
 * zstd compresses it.
 */
class SaliencyTensorSizeTest {
  private static final byte MAGIC_V2 = 2; // the record format producers write
  static SaliencyModel model;

  @BeforeAll
  static void load() {
    model = SaliencyModel.load(ModelSpec.bundledDefault());
  }

  @AfterAll
  static void close() {
    model.close();
  }

  /**
   * A record is the half-float map (2 B per working-image pixel), the JPEG working image and under
   * 1 KB of the rest. With a 256-px shorter side it stays under 256 KB up to a 4:3 aspect; a 16:9
   * photo's is larger (cat.jpg, 455x256: 274 KB) but still far under the 1 MB bound. zstd (the
   * producers' compression) saves only some 10%: gradient maps are noisy.
   */
  @Test
  void recordSizeIsTheHalfFloatMapPlusTheJpegAndStaysUnder256KilobytesUpTo4By3()
      throws IOException {
    Settings s = Settings.of(Defaults.VALUES).with("saliency.ten.crop", "false");
    List<String> photos = List.of("pets.jpg", "owl.jpg", "cat.jpg");
    List<ImageEvent> events = new ArrayList<>();
    for (String photo : photos) {
      events.add(
          ImageEvent.newBuilder()
              .setId(photo)
              .setImageBytes(ByteBuffer.wrap(bytes(photo)))
              .setTopK(1)
              .setProducedAt(Instant.now())
              .build());
    }
    List<Stage.Outcome<SaliencyTensor>> out =
        new SaliencyStage(model, SaliencyConfig.from(s)).process(events);
    for (int i = 0; i < photos.size(); i++) {
      SaliencyTensor t = out.get(i).outputs().get(0);
      int w = t.getMapWidth();
      int h = t.getMapHeight();
      assertEquals(256, Math.min(w, h));
      byte[] wire =
          WireFormat.from(s).serde(SaliencyTensor.class).serializer().serialize("saliency", t);
      int jpeg = t.getWorkingImage().remaining();
      int zstd = zstd(wire);
      System.out.printf(
          "%s: map %dx%d = %d B, working JPEG %d B, record %d B, zstd %d B%n",
          photos.get(i), w, h, t.getMapData().remaining(), jpeg, wire.length, zstd);
      assertEquals(2 * w * h, t.getMapData().remaining());
      assertTrue(
          wire.length - 2 * w * h - jpeg < 1024,
          "record overhead " + (wire.length - 2 * w * h - jpeg));
      assertTrue(wire.length < 1024 * 1024, photos.get(i) + ": " + wire.length + " B");
      if (Math.max(w, h) * 3 <= Math.min(w, h) * 4) {
        assertTrue(wire.length <= 256 * 1024, photos.get(i) + ": " + wire.length + " B serialized");
      }
      assertTrue(zstd < wire.length, photos.get(i) + ": zstd " + zstd + " B of " + wire.length);
    }
  }

  private static int zstd(byte[] data) throws IOException {
    ByteBufferOutputStream buf = new ByteBufferOutputStream(data.length);
    try (OutputStream z = Compression.zstd().build().wrapForOutput(buf, MAGIC_V2)) {
      z.write(data);
    }
    return buf.position();
  }

  private static byte[] bytes(String photo) throws IOException {
    try (InputStream in = SaliencyTensorSizeTest.class.getResourceAsStream("/photos/" + photo)) {
      return in.readAllBytes();
    }
  }
}
