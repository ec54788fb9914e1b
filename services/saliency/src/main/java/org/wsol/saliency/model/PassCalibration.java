package org.wsol.saliency.model;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Collectors;

/**
 * How many images one forward pass should hold, chosen by timing the model where it runs. On a GPU
 * a bigger pass is cheaper per image; on a CPU it can be dearer, as a pass's activations outgrow
 * the caches (a 320-px MobileNetV2 pass holds a 9.8 MB activation per image) and, with glibc's
 * default malloc thresholds, every pass maps and faults in fresh pages for them. So the size is
 * measured, not assumed: the stage then runs a poll's images in passes of the chosen size, and a
 * bigger poll never costs more per image than the best pass size measured.
 */
public final class PassCalibration {

  /** A pass size tried and its best time per image (seconds), over the repeats. */
  public record Trial(int imagesPerPass, double secondsPerImage) {}

  /** The chosen images per pass, the network inputs per pass that makes, and what was measured. */
  public record Result(int imagesPerPass, int inputsPerPass, List<Trial> trials) {
    public String describe() {
      return trials.stream()
              .map(
                  t ->
                      String.format(
                          Locale.ROOT, "%d: %.1f", t.imagesPerPass(), t.secondsPerImage() * 1e3))
              .collect(Collectors.joining(", ", "ms per image by images per pass {", "}"))
          + " -> "
          + imagesPerPass
          + " image(s), "
          + inputsPerPass
          + " input(s) per pass";
    }
  }

  /**
   * A larger pass must beat the best so far by this much to be chosen: the measurement is noisy on
   * shared cores.
   */
  static final double MARGIN = 0.03;

  /**
   * Stop trying bigger passes once one costs this much more per image than the best: they only grow
   * from there.
   */
  static final double GIVE_UP = 1.25;

  private PassCalibration() {}

  /**
   * The pass size with the least time per image; a larger one only when it is cheaper by more than
   * {@link #MARGIN}, so that noise does not pick a size that costs the same and holds more memory.
   */
  static int choose(List<Trial> trials) {
    if (trials.isEmpty()) {
      throw new IllegalArgumentException("no pass size was timed");
    }
    Trial best = trials.get(0);
    for (Trial t : trials) {
      boolean larger = t.imagesPerPass() > best.imagesPerPass();
      double bar = larger ? best.secondsPerImage() * (1 - MARGIN) : best.secondsPerImage();
      if (t.secondsPerImage() < bar) {
        best = t;
      }
    }
    return best.imagesPerPass();
  }

  /** Pass sizes to try: 1, 2, 4, ... up to {@code maxImages}, and {@code maxImages} itself. */
  static List<Integer> candidates(int maxImages) {
    List<Integer> c = new ArrayList<>();
    for (int n = 1; n < maxImages; n *= 2) {
      c.add(n);
    }
    c.add(Math.max(1, maxImages));
    return c;
  }

  /**
   * Times the model's whole per-image work ({@link SaliencyModel#compute}: preparation, the passes,
   * the maps) on a synthetic photo-sized image at each candidate pass size up to {@code maxImages}
   * (the stage's batch), and sets the model's crops per pass to the choice. Every size first runs
   * twice untimed (TorchScript optimises each input shape in its first runs, and the JVM compiles
   * the Java side); then {@code repeats} rounds time the sizes in turn, best per size. Timed one
   * size after the other, the first sizes took the JVM's own warm-up and the machine's drift: a
   * pass of 1 once measured 73 ms an image at start and 27 ms in the bench minutes later.
   */
  public static Result calibrate(
      SaliencyModel model, SaliencyModel.Mode mode, int topK, int maxImages, int repeats) {
    BufferedImage image = syntheticImage(400, 300);
    int per = model.inputsPerImage(mode);
    List<Integer> sizes = new ArrayList<>();
    double bestWarm = Double.MAX_VALUE;
    for (int n : candidates(maxImages)) {
      timePerImage(model, mode, topK, image, n, per);
      double t = timePerImage(model, mode, topK, image, n, per);
      sizes.add(n);
      bestWarm = Math.min(bestWarm, t);
      if (t > bestWarm * GIVE_UP) {
        break; // bigger passes only grow dearer from here
      }
    }
    double[] best = new double[sizes.size()];
    java.util.Arrays.fill(best, Double.MAX_VALUE);
    for (int r = 0; r < repeats; r++) {
      for (int i = 0; i < sizes.size(); i++) {
        best[i] = Math.min(best[i], timePerImage(model, mode, topK, image, sizes.get(i), per));
      }
    }
    List<Trial> trials = new ArrayList<>();
    for (int i = 0; i < sizes.size(); i++) {
      trials.add(new Trial(sizes.get(i), best[i]));
    }
    int chosen = choose(trials);
    model.maxCropsPerPass(chosen * per);
    return new Result(chosen, chosen * per, List.copyOf(trials));
  }

  /** One run of {@code n} images in one pass; seconds per image. */
  private static double timePerImage(
      SaliencyModel model,
      SaliencyModel.Mode mode,
      int topK,
      BufferedImage image,
      int n,
      int inputsPerImage) {
    model.maxCropsPerPass(n * inputsPerImage);
    List<BufferedImage> images = java.util.Collections.nCopies(n, image);
    long t0 = System.nanoTime();
    model.compute(images, topK, mode);
    return (System.nanoTime() - t0) / 1e9 / n;
  }

  /** A photo-like test card: smooth colour ramps and noise, the same every time. */
  static BufferedImage syntheticImage(int w, int h) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Random rnd = new Random(42);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int r = Math.min(255, 255 * x / w + rnd.nextInt(32));
        int g = Math.min(255, 255 * y / h + rnd.nextInt(32));
        int b = Math.min(255, 128 + rnd.nextInt(64));
        img.setRGB(x, y, (r << 16) | (g << 8) | b);
      }
    }
    return img;
  }
}
