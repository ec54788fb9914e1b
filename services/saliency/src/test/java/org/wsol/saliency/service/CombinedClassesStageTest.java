package org.wsol.saliency.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.wsol.common.config.Defaults;
import org.wsol.common.config.Settings;
import org.wsol.common.image.HalfFloats;
import org.wsol.saliency.model.CombinedClasses;
import org.wsol.saliency.model.ModelSpec;
import org.wsol.saliency.model.SaliencyModel;
import org.wsol.schema.GroundTruth;
import org.wsol.schema.ImageEvent;
import org.wsol.schema.SaliencyTensor;

/**
 * saliency.combine.classes in the stage: every record of an image carries the combined map of its
 * own top-k.
 */
class CombinedClassesStageTest {
  static SaliencyModel model;

  @BeforeAll
  static void load() {
    model = SaliencyModel.load(ModelSpec.bundledDefault());
  }

  @AfterAll
  static void close() {
    model.close();
  }

  @Test
  void onEveryRecordCarriesItsImagesCombinedMapAndOffTheClassesOwn() throws IOException {
    Settings off = Settings.of(Defaults.VALUES).with("saliency.ten.crop", "false");
    Settings on = off.with("saliency.combine.classes", "true");
    // cat: top 3 and ground truth 281 (tabby); owl: top 1 only, in the same batch (computed with k
    // = 3).
    List<ImageEvent> events = List.of(event("cat.jpg", 3, 281), event("owl.jpg", 1, -1));
    List<List<SaliencyTensor>> plain =
        outputs(new SaliencyStage(model, SaliencyConfig.from(off)).process(events));
    List<List<SaliencyTensor>> combined =
        outputs(new SaliencyStage(model, SaliencyConfig.from(on)).process(events));

    List<SaliencyModel.ImageSaliency> maps =
        model.compute(
            List.of(photo("cat.jpg"), photo("owl.jpg")),
            3,
            new int[] {281, -1},
            SaliencyModel.Mode.SINGLE_CROP);
    int[] k = {3, 1};
    for (int i = 0; i < events.size(); i++) {
      assertEquals(k[i] + (i == 0 ? 1 : 0), plain.get(i).size());
      assertEquals(plain.get(i).size(), combined.get(i).size());
      byte[] expected = HalfFloats.encode(CombinedClasses.combinedMap(maps.get(i), k[i]));
      for (int j = 0; j < plain.get(i).size(); j++) {
        SaliencyTensor a = plain.get(i).get(j);
        SaliencyTensor b = combined.get(i).get(j);
        assertEquals(a.getRank(), b.getRank());
        assertEquals(a.getClassIndex(), b.getClassIndex());
        assertEquals(a.getScore(), b.getScore());
        assertArrayEquals(expected, bytes(b.getMapData()), "image " + i + " rank " + b.getRank());
        SaliencyModel.ClassSaliency own =
            maps.get(i).classes().stream()
                .filter(
                    c -> (c.rank() == SaliencyModel.REQUESTED ? 0 : c.rank() + 1) == a.getRank())
                .findFirst()
                .orElseThrow();
        assertArrayEquals(
            HalfFloats.encode(own.map()), bytes(a.getMapData()), "off: the class's own map");
      }
    }
    // Off, the cat's ranks carry different maps; on, one map.
    assertFalse(
        java.util.Arrays.equals(
            bytes(plain.get(0).get(0).getMapData()), bytes(plain.get(0).get(1).getMapData())));
  }

  private static List<List<SaliencyTensor>> outputs(
      List<org.wsol.common.kafka.Stage.Outcome<SaliencyTensor>> out) {
    List<List<SaliencyTensor>> r = new ArrayList<>();
    for (var o : out) {
      r.add(o.outputs());
    }
    return r;
  }

  private static byte[] bytes(ByteBuffer b) {
    byte[] a = new byte[b.remaining()];
    b.duplicate().get(a);
    return a;
  }

  private static ImageEvent event(String photo, int topK, int truth) throws IOException {
    ImageEvent.Builder b =
        ImageEvent.newBuilder()
            .setId(photo)
            .setImageBytes(ByteBuffer.wrap(read(photo)))
            .setTopK(topK)
            .setProducedAt(Instant.now());
    if (truth >= 0) {
      b.setGroundTruth(GroundTruth.newBuilder().setClassIndex(truth).setBoxes(List.of()).build());
    }
    return b.build();
  }

  private static java.awt.image.BufferedImage photo(String name) throws IOException {
    // As the stage decodes it, so that the maps match bit for bit.
    return org.wsol.common.image.RgbImages.decode(read(name), Long.MAX_VALUE, Long.MAX_VALUE);
  }

  private static byte[] read(String photo) throws IOException {
    try (InputStream in = CombinedClassesStageTest.class.getResourceAsStream("/photos/" + photo)) {
      return in.readAllBytes();
    }
  }
}
