package org.wsol.cli.eval;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.wsol.cli.local.ImageProducer;
import org.wsol.schema.GroundTruth;

/**
 * A localisation dev set: {@code images.csv} (header {@code image,class_idx,...}, one row per
 * image) and {@code boxes.csv} ({@code image,class_idx,xmin,ymin,xmax,ymax}, one row per box,
 * pixels of the stored image), the images in {@code images/} or next to the CSVs. The format of
 * datasets/imagenet-val-29.
 */
public final class EvalDataset {
  public record Item(String id, Path file, GroundTruth truth) {}

  private EvalDataset() {}

  public static List<Item> read(Path dir) throws IOException {
    Path boxesCsv = dir.resolve("boxes.csv");
    Path imagesCsv = dir.resolve("images.csv");
    if (!Files.isRegularFile(boxesCsv)) {
      throw new IllegalArgumentException(
          dir
              + " has no boxes.csv: a dataset folder holds images.csv "
              + "(image,class_idx,...), boxes.csv (image,class_idx,xmin,ymin,xmax,ymax) and the images (see "
              + "datasets/imagenet-val-29)");
    }
    Map<String, GroundTruth> truth = ImageProducer.readGroundTruth(boxesCsv);
    List<String> names = new ArrayList<>();
    if (Files.isRegularFile(imagesCsv)) {
      List<String> lines = CsvLines.read(imagesCsv, "image,class_idx,...");
      for (int i = 1; i < lines.size(); i++) {
        String line = lines.get(i).trim();
        if (line.isEmpty()) {
          continue;
        }
        String[] f = line.split(",", 3);
        if (f.length < 2) {
          throw new IllegalArgumentException(
              imagesCsv + " line " + (i + 1) + ": expected image,class_idx,...");
        }
        String name = f[0].trim();
        GroundTruth gt = truth.get(ImageProducer.idOf(CsvLines.imagePath(name, imagesCsv, i + 1)));
        if (gt == null) {
          throw new IllegalArgumentException(
              imagesCsv
                  + " line "
                  + (i + 1)
                  + ": "
                  + name
                  + " has no box in "
                  + boxesCsv
                  + "; every image needs at least one box of its class");
        }
        if (gt.getClassIndex() != CsvLines.integer(f[1], imagesCsv, i + 1, "class_idx")) {
          throw new IllegalArgumentException(
              imagesCsv
                  + " line "
                  + (i + 1)
                  + ": class "
                  + f[1].trim()
                  + " but its boxes in boxes.csv say class "
                  + gt.getClassIndex());
        }
        names.add(name);
      }
    } else {
      List<String> lines = CsvLines.read(boxesCsv, "image,class_idx,xmin,ymin,xmax,ymax");
      for (String line : lines.subList(1, lines.size())) {
        String name = line.split(",", 2)[0].trim();
        if (!name.isEmpty() && !names.contains(name)) {
          names.add(name);
        }
      }
    }
    List<Item> items = new ArrayList<>();
    for (String name : names) {
      Path file = dir.resolve("images").resolve(name);
      if (!Files.isRegularFile(file)) {
        file = dir.resolve(name);
      }
      if (!Files.isRegularFile(file)) {
        throw new IllegalArgumentException(
            "image "
                + name
                + " is listed but is neither in "
                + dir.resolve("images")
                + " nor in "
                + dir);
      }
      String id = ImageProducer.idOf(file);
      items.add(new Item(id, file, truth.get(id)));
    }
    if (items.isEmpty()) {
      throw new IllegalArgumentException(dir + " lists no images");
    }
    return items;
  }
}
