package org.wsol.cli.bench;

import static org.wsol.cli.bench.Float32Files.write;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.wsol.cli.bench.TorchSide.Pass;
import org.wsol.saliency.model.SaliencyMethod;
import org.wsol.saliency.model.SaliencyModel;
import org.wsol.saliency.model.SaliencyModel.Prepared;
import org.wsol.saliency.model.TensorSaliency;

/**
 * Times one work at one batch size on both sides, pass by pass, alternating DJL and PyTorch so that
 * load from other processes falls on both.
 */
final class SaliencyTimer {
  private SaliencyTimer() {}

  /**
   * The compared work of a prepared pass: the engine's passes and, for class activation maps, each
   * map at the input size (what the PyTorch side hands back too).
   */
  private static TensorSaliency tensorWork(SaliencyWork w, Prepared p) {
    TensorSaliency t = w.model().saliency(p, w.topK());
    if (t.method() == SaliencyMethod.CAM) {
      for (int r = 0; r < w.topK(); r++) {
        for (int i = 0; i < p.crops(); i++) {
          t.map(r, i);
        }
      }
    }
    return t;
  }

  /** Repeats never run past this many, however short the passes. */
  static final int MAX_REPEATS = 40;

  /**
   * Whether to time the passes once more: until {@code repeats}, then while the DJL passes timed so
   * far fall short of {@code minSeconds}, but never past {@link #MAX_REPEATS}.
   */
  static boolean another(int done, int repeats, double timed, double minSeconds) {
    return done < repeats || (timed < minSeconds && done < MAX_REPEATS);
  }

  /**
   * Times the work, pass by pass, at least {@code repeats} times and then on until DJL's timed
   * passes add up to {@code minSeconds}: one pass of one image (~25 ms on 2 cores) taken best of 2
   * scattered ±15% from run to run, where longer configurations did not.
   */
  static SaliencyTiming measure(
      SaliencyWork w,
      TorchSide torch,
      List<BufferedImage> images,
      Path tmp,
      int repeats,
      double minSeconds)
      throws IOException {
    SaliencyModel model = w.model();
    List<List<BufferedImage>> passes = model.passes(images, w.mode());
    List<Pass> files = new ArrayList<>();
    if (torch != null) {
      for (int i = 0; i < passes.size(); i++) {
        Prepared p = model.prepare(passes.get(i), w.mode());
        files.add(
            new Pass(
                write(
                    p.input(),
                    tmp.resolve(
                        w.label().replace(' ', '_') + "-" + images.size() + "-" + i + ".f32")),
                p.images(),
                p.cropsPerImage()));
      }
    }
    // Warm-up: TorchScript's profiling executor optimises per input shape in its first runs, on
    // both sides.
    List<Integer> shapes = new ArrayList<>();
    for (int i = 0; i < passes.size(); i++) {
      if (!shapes.contains(passes.get(i).size())) {
        shapes.add(passes.get(i).size());
        for (int r = 0; r < 2; r++) {
          tensorWork(w, model.prepare(passes.get(i), w.mode()));
        }
        if (torch != null) {
          torch.run(List.of(files.get(i)), w.torchMethod(), w.topK(), 2, null);
        }
      }
    }
    // Pass by pass, DJL then PyTorch, best of the repeats per pass: on a shared machine the load
    // from others
    // changes within seconds, and short alternating runs expose both sides to the same load.
    int np = passes.size();
    double[] best = new double[np];
    double[] bestEndToEnd = new double[np];
    double[] bestTorch = new double[np];
    Arrays.fill(best, Double.MAX_VALUE);
    Arrays.fill(bestEndToEnd, Double.MAX_VALUE);
    Arrays.fill(bestTorch, Double.MAX_VALUE);
    double timed = 0;
    int done = 0;
    while (another(done, repeats, timed, minSeconds)) {
      done++;
      for (int i = 0; i < np; i++) {
        settle();
        long t0 = System.nanoTime();
        Prepared p = model.prepare(passes.get(i), w.mode());
        long t1 = System.nanoTime();
        TensorSaliency t = tensorWork(w, p);
        long t2 = System.nanoTime();
        model.maps(p, t);
        long t3 = System.nanoTime();
        best[i] = Math.min(best[i], (t2 - t1) / 1e9);
        timed += (t2 - t1) / 1e9;
        bestEndToEnd[i] = Math.min(bestEndToEnd[i], (t3 - t0) / 1e9);
        if (torch != null) {
          settle();
          bestTorch[i] =
              Math.min(
                  bestTorch[i],
                  torch.run(List.of(files.get(i)), w.torchMethod(), w.topK(), 1, null)[0]);
        }
      }
    }
    for (Pass f : files) {
      Files.deleteIfExists(f.input());
    }
    return new SaliencyTiming(
        w,
        images.size(),
        np,
        done,
        Arrays.stream(best).sum(),
        Arrays.stream(bestEndToEnd).sum(),
        torch != null ? Arrays.stream(bestTorch).sum() : 0);
  }

  /**
   * A pause before each timed pass: OpenMP worker threads (GNU OpenMP in both libtorch builds here)
   * spin for a while after their work, and must not take the cores from the other side's next pass.
   */
  private static void settle() {
    try {
      Thread.sleep(300);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
