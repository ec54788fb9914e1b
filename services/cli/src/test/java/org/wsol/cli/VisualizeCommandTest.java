package org.wsol.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wsol.saliency.model.ClassModelVisualizer;
import org.wsol.saliency.model.ModelSpec;
import org.wsol.saliency.model.SaliencyModel;

/** ./wsol visualize: --prior paper is the paper's method as before; the contact sheet's layout. */
class VisualizeCommandTest {

  @Test
  void thePaperPriorDrawsWhatTheUnchangedVisualizerDraws(@TempDir Path dir) throws Exception {
    Path png = dir.resolve("goose.png");
    CommandRun.Printed p =
        CommandRun.run(
            "visualize",
            "--class",
            "goose",
            "--prior",
            "paper",
            "--steps",
            "1",
            "-o",
            png.toString());
    assertEquals(0, p.code(), p.out());
    BufferedImage got = ImageIO.read(png.toFile());
    BufferedImage want;
    try (SaliencyModel m = SaliencyModel.load(ModelSpec.bundledDefault())) {
      // Today's defaults of the command: lambda 0.0005, learning rate 1, from the zero image.
      want =
          new ClassModelVisualizer(m)
              .steps(1)
              .lambda(0.0005f)
              .learningRate(1f)
              .visualize(99)
              .image();
    }
    assertEquals(want.getWidth(), got.getWidth());
    int off = 0;
    for (int y = 0; y < want.getHeight(); y++) {
      for (int x = 0; x < want.getWidth(); x++) {
        int a = want.getRGB(x, y);
        int b = got.getRGB(x, y);
        for (int s = 0; s <= 16; s += 8) {
          // One grey level of slack for the last bit of a multithreaded float sum.
          off = Math.max(off, Math.abs(((a >> s) & 0xff) - ((b >> s) & 0xff)));
        }
      }
    }
    assertTrue(off <= 1, "largest difference " + off);
  }

  @Test
  void aClassMustBeNamed() {
    assertEquals(2, CommandRun.run("visualize", "--steps", "1").code());
    assertEquals(
        2, CommandRun.run("visualize", "--class", "goose", "--classes", "goose,flamingo").code());
  }

  @Test
  void theContactSheetPutsEachTileAboveItsLabel() {
    List<ContactSheet.Tile> tiles =
        List.of(
            tile(Color.RED, "red"),
            tile(Color.GREEN, "green"),
            tile(Color.BLUE, "a label far too long to fit under a tile of ten pixels"));
    BufferedImage sheet = ContactSheet.draw(tiles, 2);
    int g = ContactSheet.GAP;
    int rowHeight = 10 + ContactSheet.LABEL + g;
    assertEquals(2 * (10 + g) + g, sheet.getWidth());
    assertEquals(2 * rowHeight + g, sheet.getHeight());
    assertEquals(Color.RED.getRGB(), sheet.getRGB(g + 5, g + 5));
    assertEquals(Color.GREEN.getRGB(), sheet.getRGB(2 * g + 10 + 5, g + 5));
    assertEquals(
        Color.BLUE.getRGB(),
        sheet.getRGB(g + 5, g + rowHeight + 5),
        "the third tile starts the second row");
    assertEquals("goose", VisualizeCommand.shortName("goose"));
    assertEquals("tench", VisualizeCommand.shortName("tench, Tinca tinca"));
  }

  static ContactSheet.Tile tile(Color c, String label) {
    BufferedImage img = new BufferedImage(10, 10, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 10; y++) {
      for (int x = 0; x < 10; x++) {
        img.setRGB(x, y, c.getRGB());
      }
    }
    return new ContactSheet.Tile(img, label);
  }
}
