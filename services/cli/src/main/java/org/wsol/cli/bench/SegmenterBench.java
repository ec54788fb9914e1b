package org.wsol.cli.bench;

import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import org.opencv.core.Mat;
import org.wsol.common.image.RgbImages;
import org.wsol.saliency.model.ModelSpec;
import org.wsol.saliency.model.SaliencyMethod;
import org.wsol.saliency.model.SaliencyModel;
import org.wsol.segmenter.graphcut.GraphCutSegmenter;
import org.wsol.segmenter.graphcut.GridGraph;
import org.wsol.segmenter.graphcut.Localizer;
import org.wsol.segmenter.graphcut.MassBoxSeeds;
import org.wsol.segmenter.graphcut.PixelBox;
import org.wsol.segmenter.graphcut.SegmenterParams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Our GraphCut against OpenCV's grabCut on the same images and seed masks, one iteration, one
 * thread each, in the same run. Seeds come from real saliency maps: the bundled CNN (single crop,
 * top-1 class) computes them at the start, on the photo resized to each benchmark size.
 */
@Command(
    name = "segmenter",
    mixinStandardHelpOptions = true,
    description = {
      "GraphCut speed and agreement: ours with each max-flow solver vs OpenCV grabCut (1 iteration, 1 thread).",
      "Both sides get the same seeds; ours runs with segmenter.maxflow bk and ibfs in the same run.",
      "Last line: 'segmenter speedup vs opencv: <ratio> (mean IoU <iou>)', the ratio being OpenCV's median",
      "time over ours (default solver) at the size where we gain least, the IoU the mean over all images and sizes."
    })
public class SegmenterBench implements Callable<Integer> {
  @Option(
      names = "--photos",
      paramLabel = "DIR",
      description = "JPEG/PNG photos (default: samples/photos of this checkout)")
  Path photos;

  @Option(
      names = "--sizes",
      split = ",",
      defaultValue = "224x224,500x375",
      paramLabel = "WxH",
      description = "image sizes to run at (default ${DEFAULT-VALUE})")
  List<String> sizes;

  @Option(
      names = "--warmup",
      defaultValue = "2",
      description = "untimed rounds over all images first (default ${DEFAULT-VALUE})")
  int warmup;

  @Option(
      names = "--rounds",
      defaultValue = "3",
      description =
          "timed rounds; an image's time is its median over them (default ${DEFAULT-VALUE})")
  int rounds;

  @Option(
      names = "--save-maps",
      paramLabel = "DIR",
      description =
          "also write each image and saliency map as <photo>-<W>x<H>.png and <photo>-<W>x<H>.saliency.png (16-bit, scaled to the map's maximum)")
  Path saveMaps;

  @Option(
      names = "--seeds",
      defaultValue = "mass-box",
      paramLabel = "RULE",
      description =
          "mass-box (the default mode's workload, cam-rect: class activation maps, GrabCut from the rectangle around"
              + " the map's mass, GC_PR_FGD inside, colour models as grabCut's rectangle initialisation) or quantiles"
              + " (the paper's: gradient maps, foreground above the 95%% saliency quantile, background below 30%%,"
              + " GC_PR_BGD between); default ${DEFAULT-VALUE}")
  String seedRule;

  @Option(
      names = {"-v", "--verbose"},
      description = "print per-image times and IoU")
  boolean verbose;

  @Option(
      names = "--threads",
      split = ",",
      paramLabel = "N,M",
      description =
          "instead: one segmenter's records/s with each count of worker threads, in this process without a broker"
              + " (the default mode's saliency records of the photos, Avro in and out; --warmup × --passes passes first, then"
              + " --rounds rounds alternating the counts, --passes each); last line 'segmenter threads N->M: <x>x'")
  List<Integer> threads;

  @Option(
      names = "--passes",
      defaultValue = "4",
      description =
          "with --threads: passes over the records in each timed run (default ${DEFAULT-VALUE})")
  int passes;

  @Option(
      names = "--cpu-time",
      description =
          "time with the thread's CPU clock instead of the wall clock (steadier on a busy machine; leaves out our garbage collection, which runs on other threads)")
  boolean cpuTime;

  private final java.lang.management.ThreadMXBean threadClock =
      java.lang.management.ManagementFactory.getThreadMXBean();

  private long now() {
    return cpuTime ? threadClock.getCurrentThreadCpuTime() : System.nanoTime();
  }

  /** One benchmark input: the photo at one size, its map and seeds. */
  record Case(String name, int w, int h, int[] rgb, byte[] seeds) {}

  @Override
  public Integer call() throws Exception {
    if (warmup < 0 || rounds < 1)
      throw new IllegalArgumentException("need --warmup >= 0 and --rounds >= 1");
    if (!seedRule.equals("quantiles") && !seedRule.equals("mass-box")) {
      throw new IllegalArgumentException(
          "--seeds is '" + seedRule + "': use quantiles or mass-box");
    }
    Path dir =
        photos != null
            ? photos
            : Path.of(System.getProperty("wsol.home", "."), "samples", "photos");
    List<Path> files = BenchPhotos.photoFiles(dir);
    if (threads != null) return threadsAlone(files);
    int[][] dims = sizes.stream().map(SegmenterBench::parseSize).toArray(int[][]::new);

    OpenCvGrabCut.load();
    List<List<Case>> cases = saliencyCases(files, dims);

    boolean rect = seedRule.equals("mass-box");
    SegmenterParams base =
        SegmenterParams.DEFAULTS.withColourModels(
            rect ? SegmenterParams.ColourModels.RECT : SegmenterParams.ColourModels.GRABCUT);
    GridGraph.Solver[] solvers = GridGraph.Solver.values();
    GraphCutSegmenter[] ours = new GraphCutSegmenter[solvers.length];
    for (int k = 0; k < solvers.length; k++)
      ours[k] = new GraphCutSegmenter(base.withMaxFlow(solvers[k]));
    int def = SegmenterParams.DEFAULTS.maxFlow().ordinal();

    System.out.printf(
        Locale.ROOT,
        "%d photos from %s; seeds %s; %d warm-up + %d timed rounds; 1 thread; %s ms per image%n",
        files.size(),
        dir,
        rect
            ? "mass-box (cam-rect: rectangle, GC_PR_FGD inside)"
            : "quantiles (95%/30%, GC_PR_BGD between)",
        warmup,
        rounds,
        cpuTime ? "thread CPU" : "wall-clock");
    StringBuilder head =
        new StringBuilder(
            String.format(Locale.ROOT, "%-9s %3s | %9s %7s", "size", "n", "opencv med", "p90"));
    for (GridGraph.Solver s : solvers) {
      String name = s.name().toLowerCase(Locale.ROOT);
      head.append(
          String.format(
              Locale.ROOT, " | %9s %7s %7s %8s", name + " med", "p90", "ratio", "mean IoU"));
    }
    System.out.println(head);
    double worst = Double.POSITIVE_INFINITY, iouSum = 0;
    int iouN = 0;
    for (List<Case> cs : cases) {
      int n = cs.size(), m = solvers.length;
      double[][] tCv = new double[n][rounds];
      double[][][] tOurs = new double[m][n][rounds];
      double[][] iou = new double[m][n];
      long[][] parts = new long[m][3];
      for (int r = -warmup; r < rounds; r++) {
        for (int i = 0; i < n; i++) {
          Case c = cs.get(i);
          Mat img = OpenCvGrabCut.bgr(c.w, c.h, c.rgb);
          Mat mask = OpenCvGrabCut.mask(c.w, c.h, rect ? probableForeground(c.seeds) : c.seeds);
          long t0 = now();
          OpenCvGrabCut.grabCut(img, mask, 1);
          long t1 = now();
          img.release();
          boolean[] cv = r == 0 ? OpenCvGrabCut.foreground(mask) : null;
          mask.release();
          if (r >= 0) tCv[i][r] = (t1 - t0) / 1e6;
          for (int k = 0; k < m; k++) {
            long a = now();
            GraphCutSegmenter.Segmentation s = ours[k].segment(c.w, c.h, c.rgb, c.seeds);
            long b = now();
            if (r < 0) continue;
            tOurs[k][i][r] = (b - a) / 1e6;
            parts[k][0] += s.gmmNanos();
            parts[k][1] += s.graphNanos();
            parts[k][2] += s.flowNanos();
            if (r == 0) iou[k][i] = BenchMath.iou(s.foreground(), cv);
          }
        }
      }
      double[] cv = medians(tCv);
      Case c0 = cs.get(0);
      StringBuilder row =
          new StringBuilder(
              String.format(
                  Locale.ROOT,
                  "%-9s %3d | %9.1f %7.1f",
                  c0.w + "x" + c0.h,
                  n,
                  BenchMath.quantile(cv, 0.5),
                  BenchMath.quantile(cv, 0.9)));
      for (int k = 0; k < m; k++) {
        double[] us = medians(tOurs[k]);
        double ratio = BenchMath.quantile(cv, 0.5) / BenchMath.quantile(us, 0.5);
        double meanIou = Arrays.stream(iou[k]).average().orElse(Double.NaN);
        row.append(
            String.format(
                Locale.ROOT,
                " | %9.1f %7.1f %6.2fx %8.4f",
                BenchMath.quantile(us, 0.5),
                BenchMath.quantile(us, 0.9),
                ratio,
                meanIou));
        if (k == def) {
          worst = Math.min(worst, ratio);
          iouSum += Arrays.stream(iou[k]).sum();
          iouN += n;
        }
        if (verbose) {
          double per = 1e6 * n * rounds;
          System.out.printf(
              Locale.ROOT,
              "  %s %s: colour models %.1f ms, unaries+pairwise+graph %.1f ms, max-flow %.1f ms (means, wall clock)%n",
              c0.w + "x" + c0.h,
              solvers[k],
              parts[k][0] / per,
              parts[k][1] / per,
              parts[k][2] / per);
          for (int i = 0; i < n; i++) {
            System.out.printf(
                Locale.ROOT,
                "    %-32s %8.1f %8.1f  %5.2fx  IoU %.4f%n",
                cs.get(i).name,
                cv[i],
                us[i],
                cv[i] / us[i],
                iou[k][i]);
          }
        }
      }
      System.out.println(row);
    }
    System.out.println(
        "ratio = OpenCV's median / ours; IoU = our mask against OpenCV's. Colour models as OpenCV's ("
            + (rect ? "rect" : "grabcut")
            + "); the default max-flow is "
            + solvers[def].name().toLowerCase(Locale.ROOT)
            + ".");
    System.out.printf(
        Locale.ROOT, "segmenter speedup vs opencv: %.2f (mean IoU %.4f)%n", worst, iouSum / iouN);
    return 0;
  }

  private int threadsAlone(List<Path> files) throws Exception {
    if (threads.isEmpty() || threads.stream().anyMatch(t -> t < 1) || passes < 1)
      throw new IllegalArgumentException("need --threads counts and --passes of at least 1");
    SegmenterThreads bench = new SegmenterThreads(SegmenterThreads.defaultSettings(), System.out);
    List<byte[]> records = bench.records(files);
    double ratio = bench.measure(records, threads, rounds, passes, warmup);
    System.out.printf(
        Locale.ROOT,
        "segmenter threads %d->%d: %.2fx (median over %d rounds)%n",
        threads.get(0),
        threads.get(threads.size() - 1),
        ratio,
        rounds);
    return 0;
  }

  /**
   * Our seeds with the undecided pixels as GC_PR_FGD: what grabCut's rectangle initialisation marks
   * inside it.
   */
  private static byte[] probableForeground(byte[] seeds) {
    byte[] m = seeds.clone();
    for (int i = 0; i < m.length; i++)
      if (m[i] == GraphCutSegmenter.UNDECIDED) m[i] = 3; // GC_PR_FGD
    return m;
  }

  private List<List<Case>> saliencyCases(List<Path> files, int[][] dims) throws IOException {
    List<BufferedImage> originals = new ArrayList<>();
    for (Path f : files) {
      BufferedImage img = ImageIO.read(f.toFile());
      if (img == null)
        throw new IllegalArgumentException("cannot decode " + f + " (need JPEG or PNG)");
      originals.add(RgbImages.toRgb(img));
    }
    List<List<Case>> out = new ArrayList<>();
    long t0 = System.nanoTime();
    try (SaliencyModel model = SaliencyModel.load(ModelSpec.bundledDefault())) {
      // The maps of the mode each seed rule serves: class activation maps for cam-rect (mass-box),
      // gradient maps for the quantile seeds of the paper's mode.
      if (seedRule.equals("mass-box")) model.method(SaliencyMethod.CAM);
      for (int[] d : dims) {
        int w = d[0], h = d[1];
        model.workingShortSide(Math.min(w, h));
        List<BufferedImage> resized =
            originals.stream().map(o -> RgbImages.resize(o, w, h)).toList();
        List<SaliencyModel.ImageSaliency> maps =
            model.compute(resized, 1, SaliencyModel.Mode.SINGLE_CROP);
        List<Case> cs = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
          SaliencyModel.ImageSaliency s = maps.get(i);
          if (s.width() != w || s.height() != h) {
            throw new IllegalStateException(
                "working image is " + s.width() + "x" + s.height() + ", expected " + w + "x" + h);
          }
          float[] map = s.classes().get(0).map();
          String name = stem(files.get(i)) + "-" + w + "x" + h;
          cs.add(new Case(name, w, h, s.rgb(), seeds(w, h, map)));
          if (saveMaps != null) save(name, s.workingImage(), map, w, h);
        }
        out.add(cs);
      }
    }
    System.err.printf(
        Locale.ROOT,
        "saliency maps (bundled CNN, %s, single crop, top-1 class): %.1f s%n",
        seedRule.equals("mass-box") ? "class activation maps" : "gradient maps",
        (System.nanoTime() - t0) / 1e9);
    return out;
  }

  private byte[] seeds(int w, int h, float[] map) {
    if (!seedRule.equals("mass-box")) return Localizer.seeds(w, h, map, 0.95, 0.30);
    PixelBox box = MassBoxSeeds.massBox(map, w, h, MassBoxSeeds.TAIL);
    if (box == null) throw new IllegalStateException("a saliency map without positive mass");
    return MassBoxSeeds.seeds(
        map, w, h, MassBoxSeeds.widen(box, w, h, MassBoxSeeds.MARGIN), MassBoxSeeds.CORE);
  }

  private void save(String name, BufferedImage img, float[] map, int w, int h) throws IOException {
    Files.createDirectories(saveMaps);
    ImageIO.write(img, "png", saveMaps.resolve(name + ".png").toFile());
    float max = 0;
    for (float v : map) max = Math.max(max, v);
    BufferedImage g = new BufferedImage(w, h, BufferedImage.TYPE_USHORT_GRAY);
    WritableRaster r = g.getRaster();
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        r.setSample(x, y, 0, max > 0 ? Math.round(map[y * w + x] / max * 65535f) : 0);
      }
    }
    ImageIO.write(g, "png", saveMaps.resolve(name + ".saliency.png").toFile());
  }

  static int[] parseSize(String s) {
    String[] p = s.trim().toLowerCase(Locale.ROOT).split("x");
    try {
      int w = Integer.parseInt(p[0]), h = Integer.parseInt(p[1]);
      if (p.length == 2 && w >= 2 && h >= 2) return new int[] {w, h};
    } catch (RuntimeException e) {
      // fall through to the message below
    }
    throw new IllegalArgumentException(
        "size '" + s + "' is not WxH with both sides >= 2, e.g. 224x224");
  }

  private static String stem(Path p) {
    String n = p.getFileName().toString();
    int dot = n.lastIndexOf('.');
    return dot > 0 ? n.substring(0, dot) : n;
  }

  /** Each image's median over the rounds. */
  private static double[] medians(double[][] t) {
    double[] m = new double[t.length];
    for (int i = 0; i < t.length; i++) m[i] = BenchMath.quantile(t[i], 0.5);
    return m;
  }
}
