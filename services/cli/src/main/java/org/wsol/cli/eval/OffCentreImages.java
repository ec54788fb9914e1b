package org.wsol.cli.eval;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.wsol.common.image.RgbImages;
import org.wsol.schema.GroundTruth;

/**
 * {@code ./wsol eval --off-centre}'s images: each dataset image cut to its {@link OffCentreCrop} in
 * memory and encoded as PNG (lossless, so the crop is the only change), with its true boxes clipped
 * to the crop.
 */
public final class OffCentreImages {
  /** An image kept: its crop encoded, its true boxes in the crop's pixels, and the crop. */
  public record Framed(
      EvalDataset.Item item, byte[] png, GroundTruth truth, OffCentreCrop.Crop crop) {}

  /**
   * The images kept, and how many of the dataset's were left out (their crop kept under 80% of
   * their boxes).
   */
  public record Result(List<Framed> kept, int leftOut) {}

  private OffCentreImages() {}

  public static Result of(List<EvalDataset.Item> data) throws IOException {
    List<Framed> kept = new ArrayList<>();
    int leftOut = 0;
    for (EvalDataset.Item d : data) {
      Framed f = frame(d);
      if (f == null) {
        leftOut++;
      } else {
        kept.add(f);
      }
    }
    return new Result(kept, leftOut);
  }

  /** The image cut to its crop, or null when the crop keeps too little of its true boxes. */
  public static Framed frame(EvalDataset.Item d) throws IOException {
    BufferedImage img =
        RgbImages.decode(Files.readAllBytes(d.file()), Long.MAX_VALUE, Long.MAX_VALUE);
    OffCentreCrop.Crop c =
        OffCentreCrop.choose(img.getWidth(), img.getHeight(), d.truth().getBoxes());
    if (!c.kept()) {
      return null;
    }
    BufferedImage cut = new BufferedImage(c.width(), c.height(), BufferedImage.TYPE_INT_RGB);
    cut.getGraphics().drawImage(img.getSubimage(c.x0(), c.y0(), c.width(), c.height()), 0, 0, null);
    return new Framed(
        d,
        RgbImages.png(cut),
        new GroundTruth(d.truth().getClassIndex(), new ArrayList<>(c.boxes())),
        c);
  }
}
