package org.wsol.cli.bench;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/** The photos a bench runs on: read from a folder, cycled to fill a batch. */
final class BenchPhotos {
  private BenchPhotos() {}

  /** A photo and its file name. */
  record Photo(String name, BufferedImage image) {}

  static List<Photo> readPhotos(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException(
          "no photo directory " + dir + ": give one with --photos DIR");
    }
    List<Photo> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : files.sorted(Comparator.naturalOrder()).toList()) {
        String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".jpg") || name.endsWith(".jpeg") || name.endsWith(".png")) {
          BufferedImage img = ImageIO.read(p.toFile());
          if (img != null) {
            out.add(new Photo(p.getFileName().toString(), img));
          }
        }
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(
          "no JPEG or PNG photos in " + dir + ": give a directory with --photos DIR");
    }
    return out;
  }

  static List<BufferedImage> cycle(List<BufferedImage> photos, int n) {
    List<BufferedImage> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(photos.get(i % photos.size()));
    }
    return out;
  }

  /** The .jpg and .png files of a folder, sorted. */
  static List<Path> photoFiles(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException(
          "no photo folder " + dir + ": run from the repository (./wsol) or give --photos DIR");
    }
    try (Stream<Path> s = Files.list(dir)) {
      List<Path> files =
          s.filter(
                  p ->
                      p.getFileName()
                          .toString()
                          .toLowerCase(Locale.ROOT)
                          .matches(".*\\.(jpe?g|png)"))
              .sorted()
              .toList();
      if (files.isEmpty()) throw new IllegalArgumentException("no .jpg or .png photos in " + dir);
      return files;
    }
  }
}
