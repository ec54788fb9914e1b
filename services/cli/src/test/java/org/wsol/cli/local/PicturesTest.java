package org.wsol.cli.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Dimension;
import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.wsol.schema.Box;
import org.wsol.schema.ClassBox;
import org.wsol.schema.Instance;

class PicturesTest {
  @Test
  void everyPictureFollowsOneSizeRule() {
    // The demo's 1280x720 photo (working image 455x256) was drawn at 455x256, the 500x375 ones at
    // 682x512.
    assertEquals(new Dimension(768, 432), Pictures.size(455, 256, 1280, 720), "longer side 768");
    assertEquals(new Dimension(432, 768), Pictures.size(256, 455, 720, 1280), "portrait too");
    assertEquals(
        new Dimension(500, 375), Pictures.size(341, 256, 500, 375), "no larger than the photo");
    assertEquals(
        new Dimension(320, 256), Pictures.size(320, 256, 100, 80), "never below the working image");
  }

  @Test
  void boxesLandWhereTheyAreInTheOriginal() {
    BufferedImage working = new BufferedImage(455, 256, BufferedImage.TYPE_INT_RGB);
    ClassBox b = new ClassBox(1, "thing", 1, 1f, new Box(640, 360, 1280, 720), 1, "w", List.of());
    BufferedImage pic = Pictures.draw(working, new float[455 * 256], List.of(b), 1280, 720);
    assertEquals(768, pic.getWidth());
    assertEquals(
        432 + Pictures.legendHeight(1), pic.getHeight(), "the photo, then the legend strip");
    // The box's left edge, at half the width (640 of 1280), drawn in rank 1's colour below its
    // label.
    assertEquals(0x00e676, pic.getRGB(384, 300) & 0xFFFFFF);
    assertEquals(0, pic.getRGB(200, 100) & 0xFFFFFF, "outside: the (black) image, no heat");
    // Its label sits above the box's top-left corner (216 = 360 * 0.6), in the rank's colour.
    assertEquals(0x00e676, pic.getRGB(385, 216 - Pictures.LABEL_HEIGHT + 1) & 0xFFFFFF);
    // The legend's swatch for rank 1, below the photo.
    assertEquals(0x00e676, pic.getRGB(10, 432 + 10) & 0xFFFFFF);
  }

  @Test
  void boxesSharingACornerGetLabelsThatDoNotCoverEachOther() {
    BufferedImage working = new BufferedImage(341, 256, BufferedImage.TYPE_INT_RGB);
    ClassBox a =
        new ClassBox(1, "ruffed grouse", 1, 9f, new Box(100, 100, 400, 300), 1, "w", List.of());
    ClassBox b = new ClassBox(2, "kite", 2, 8f, new Box(100, 100, 300, 250), 1, "w", List.of());
    BufferedImage pic = Pictures.draw(working, null, List.of(b, a), 500, 375);
    // The first label keeps the spot above the shared corner (y 100 * 500/500 - 17): rank 1's
    // colour there.
    assertEquals(
        0x00e676,
        pic.getRGB(102, 100 - Pictures.LABEL_HEIGHT + 2) & 0xFFFFFF,
        "rank 1 above the corner");
    // Rank 2 goes inside the corner, below it, in its own colour.
    assertEquals(0x2979ff, pic.getRGB(104, 100 + 8) & 0xFFFFFF, "rank 2 inside the corner");
  }

  @Test
  void instancesAreDashedBoxesInTheirClassColour() {
    BufferedImage working = new BufferedImage(455, 256, BufferedImage.TYPE_INT_RGB);
    // Two dogs inside one main box: instances at x 100-500 and 700-1200 (original pixels), y
    // 200-600.
    ClassBox b =
        new ClassBox(
            1,
            "dog",
            1,
            1f,
            new Box(100, 200, 1200, 600),
            1,
            "w",
            List.of(
                new Instance(new Box(100, 200, 500, 600), 1f, 0.4f),
                new Instance(new Box(700, 200, 1200, 600), 0.8f, 0.6f)));
    BufferedImage with = Pictures.draw(working, new float[455 * 256], List.of(b), 1280, 720);
    BufferedImage without =
        Pictures.draw(
            working,
            new float[455 * 256],
            List.of(ClassBox.newBuilder(b).setInstances(null).build()),
            1280,
            720);
    // The second instance's left edge, x = 700 of 1280 -> 420 of 768, between y 200 and 600 ->
    // 120..360.
    int inColour = 0, before = 0;
    for (int y = 140; y < 340; y++) {
      inColour += (with.getRGB(420, y) & 0xFFFFFF) == 0x00e676 ? 1 : 0;
      before += (without.getRGB(420, y) & 0xFFFFFF) == 0x00e676 ? 1 : 0;
    }
    assertEquals(0, before, "no line there without instances");
    assertTrue(inColour > 40 && inColour < 180, "a dashed line: " + inColour + " of 200 pixels");
  }
}
