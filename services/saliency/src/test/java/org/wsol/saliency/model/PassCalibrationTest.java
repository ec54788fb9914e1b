package org.wsol.saliency.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.wsol.saliency.model.PassCalibration.Trial;

class PassCalibrationTest {

  @Test
  void choosesTheLeastTimePerImage() {
    // Per-image cost that grows with the pass, as measured on a CPU: one image a pass wins.
    assertEquals(
        1,
        PassCalibration.choose(
            List.of(new Trial(1, 0.040), new Trial(2, 0.045), new Trial(4, 0.060))));
    // A GPU: bigger passes are cheaper per image.
    assertEquals(
        8,
        PassCalibration.choose(
            List.of(
                new Trial(1, 0.010),
                new Trial(2, 0.006),
                new Trial(4, 0.004),
                new Trial(8, 0.003))));
    // A minimum in the middle.
    assertEquals(
        2,
        PassCalibration.choose(
            List.of(new Trial(1, 0.050), new Trial(2, 0.040), new Trial(4, 0.049))));
  }

  @Test
  void aLargerPassMustWinByMoreThanTheNoiseMargin() {
    // 1% cheaper is within the margin: keep the smaller pass (same cost, less memory).
    assertEquals(1, PassCalibration.choose(List.of(new Trial(1, 0.0400), new Trial(2, 0.0396))));
    assertEquals(2, PassCalibration.choose(List.of(new Trial(1, 0.0400), new Trial(2, 0.0380))));
    assertThrows(IllegalArgumentException.class, () -> PassCalibration.choose(List.of()));
  }

  @Test
  void candidatesDoubleUpToTheBatch() {
    assertEquals(List.of(1), PassCalibration.candidates(1));
    assertEquals(List.of(1, 2, 4, 8), PassCalibration.candidates(8));
    assertEquals(List.of(1, 2, 4, 6), PassCalibration.candidates(6));
  }

  @Test
  void calibrationTimesTheModelAndSetsItsPassSize() {
    try (SaliencyModel model = SaliencyModel.load(ModelSpec.bundledDefault())) {
      model.method(SaliencyMethod.CAM);
      PassCalibration.Result r =
          PassCalibration.calibrate(model, SaliencyModel.Mode.SINGLE_CROP, 5, 2, 1);
      assertTrue(r.imagesPerPass() == 1 || r.imagesPerPass() == 2, r.describe());
      assertEquals(r.imagesPerPass(), r.inputsPerPass(), "one input per image with a single view");
      assertEquals(
          r.imagesPerPass(),
          PassCalibration.choose(r.trials()),
          "the choice is the rule's over what was timed");
      assertTrue(
          r.trials().stream().allMatch(t -> t.secondsPerImage() > 0 && t.secondsPerImage() < 60),
          r.describe());
      // The model now runs a batch of 4 images in passes of the chosen size.
      BufferedImage img = PassCalibration.syntheticImage(64, 48);
      assertEquals(
          4 / r.imagesPerPass(),
          model.passes(Collections.nCopies(4, img), SaliencyModel.Mode.SINGLE_CROP).size());
    }
  }
}
