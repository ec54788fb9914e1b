package org.wsol.cli.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.Dimension;
import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.wsol.schema.Box;
import org.wsol.schema.ClassBox;

class PicturesTest {
  @Test
  void everyPictureFollowsOneSizeRule() {
    // The demo's 1280x720 photo (working image 455x256) was drawn at 455x256, the 500x375 ones at 682x512.
    assertEquals(new Dimension(768, 432), Pictures.size(455, 256, 1280, 720), "longer side 768");
    assertEquals(new Dimension(432, 768), Pictures.size(256, 455, 720, 1280), "portrait too");
    assertEquals(new Dimension(500, 375), Pictures.size(341, 256, 500, 375), "no larger than the photo");
    assertEquals(new Dimension(320, 256), Pictures.size(320, 256, 100, 80), "never below the working image");
  }

  @Test
  void boxesLandWhereTheyAreInTheOriginal() {
    BufferedImage working = new BufferedImage(455, 256, BufferedImage.TYPE_INT_RGB);
    ClassBox b = new ClassBox(1, "thing", 1, 1f, new Box(640, 360, 1280, 720), 1, "w");
    BufferedImage pic = Pictures.draw(working, new float[455 * 256], List.of(b), 1280, 720);
    assertEquals(768, pic.getWidth());
    assertEquals(432, pic.getHeight());
    // The box's left edge, at half the width (640 of 1280), drawn in rank 1's colour below its label.
    assertEquals(0x00e676, pic.getRGB(384, 300) & 0xFFFFFF);
    assertEquals(0, pic.getRGB(200, 100) & 0xFFFFFF, "outside: the (black) image, no heat");
  }
}
