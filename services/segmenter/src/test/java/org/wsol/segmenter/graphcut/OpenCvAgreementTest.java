package org.wsol.segmenter.graphcut;

import static org.junit.jupiter.api.Assertions.*;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Rect;
import org.opencv.imgproc.Imgproc;

/**
 * Our GraphCut against OpenCV 4.9's {@code grabCut} (org.openpnp:opencv), on six photos at 224×224
 * with real saliency maps (fixtures made by the bundled CNN, see resources/saliency/README.md).
 * Seeds: foreground above the 95% quantile ({@code GC_FGD}), background below the 30% quantile
 * ({@code GC_BGD}), the rest undecided ({@code GC_PR_BGD}); one iteration; BGR 0–255 for OpenCV.
 *
 * <p>What is compared, and why it is deterministic:
 *
 * <ol>
 *   <li>The cut given identical colour models: our first-iteration models are handed to OpenCV with
 *       {@code GC_EVAL_FREEZE_MODEL} (it then only evaluates unaries −log p, β, the 8-neighbour
 *       pairwise weights, λ = 450 on seeds, and runs its max-flow). The masks must be equal pixel
 *       for pixel. No randomness is involved on either side.
 *   <li>The cut given OpenCV's own learned models: after {@code grabCut(GC_INIT_WITH_MASK, 1
 *       iteration)}, OpenCV's bgdModel/fgdModel (the models its cut used) are loaded into ours
 *       ({@link GaussianMixture#fromOpenCvModel}); our cut must equal OpenCV's mask pixel for
 *       pixel.
 *   <li>The whole thing end to end, models included: ours with {@link
 *       SegmenterParams.ColourModels#GRABCUT} (the same samples as OpenCV's GC_INIT_WITH_MASK) and
 *       its fixed k-means seed, against {@code grabCut(GC_INIT_WITH_MASK)} after {@code
 *       Core.setRNGSeed(1)} (OpenCV's k-means++ draws from its global RNG; the seed makes its
 *       output repeatable). The two k-means initialisations differ (different RNGs, float vs
 *       double), so masks differ a little: mean foreground IoU must be ≥ 0.95.
 * </ol>
 *
 * Each check runs with both max-flow solvers ({@link GridGraph.Solver}).
 */
class OpenCvAgreementTest {
  static final String[] PHOTOS = {
    "hot_dog", "opencv-doc_apple", "opencv-doc_butterfly", "opencv-doc_orange", "owl", "parrot"
  };
  static final int W = 224, H = 224;

  record Fixture(String name, int[] rgb, byte[] seeds, float[] map) {}

  static final List<Fixture> FIXTURES = new ArrayList<>();

  @BeforeAll
  static void load() throws IOException {
    nu.pattern.OpenCV.loadLocally();
    Core.setNumThreads(1);
    for (String p : PHOTOS) {
      BufferedImage img = read(p + "-224x224.png");
      BufferedImage map = read(p + "-224x224.saliency.png");
      assertEquals(W, img.getWidth());
      assertEquals(H, map.getHeight());
      int[] rgb = img.getRGB(0, 0, W, H, null, 0, W);
      for (int i = 0; i < rgb.length; i++) rgb[i] &= 0xFFFFFF;
      Raster r = map.getRaster();
      float[] m = new float[W * H];
      for (int y = 0; y < H; y++) for (int x = 0; x < W; x++) m[y * W + x] = r.getSample(x, y, 0);
      FIXTURES.add(new Fixture(p, rgb, Localizer.seeds(W, H, m, 0.95, 0.30), m));
    }
  }

  static BufferedImage read(String name) throws IOException {
    try (InputStream in = OpenCvAgreementTest.class.getResourceAsStream("/saliency/" + name)) {
      assertNotNull(in, "fixture " + name);
      return ImageIO.read(in);
    }
  }

  static Mat bgr(int[] rgb) {
    byte[] px = new byte[3 * rgb.length];
    for (int i = 0; i < rgb.length; i++) {
      px[3 * i] = (byte) rgb[i];
      px[3 * i + 1] = (byte) (rgb[i] >> 8);
      px[3 * i + 2] = (byte) (rgb[i] >> 16);
    }
    Mat m = new Mat(H, W, CvType.CV_8UC3);
    m.put(0, 0, px);
    return m;
  }

  static Mat mask(byte[] seeds) {
    Mat m = new Mat(H, W, CvType.CV_8UC1);
    m.put(0, 0, seeds);
    return m;
  }

  static Mat model(double[] values) {
    Mat m = new Mat(1, values.length, CvType.CV_64FC1);
    m.put(0, 0, values);
    return m;
  }

  static double[] values(Mat m) {
    double[] v = new double[(int) m.total()];
    m.get(0, 0, v);
    return v;
  }

  /** GC_FGD or GC_PR_FGD. */
  static boolean[] foreground(Mat mask) {
    byte[] m = new byte[(int) mask.total()];
    mask.get(0, 0, m);
    boolean[] fg = new boolean[m.length];
    for (int i = 0; i < m.length; i++) fg[i] = (m[i] & 1) == 1;
    return fg;
  }

  static int differing(boolean[] a, boolean[] b) {
    int d = 0;
    for (int i = 0; i < a.length; i++) if (a[i] != b[i]) d++;
    return d;
  }

  static double iou(boolean[] a, boolean[] b) {
    int inter = 0, union = 0;
    for (int i = 0; i < a.length; i++) {
      if (a[i] && b[i]) inter++;
      if (a[i] || b[i]) union++;
    }
    return union == 0 ? 1 : (double) inter / union;
  }

  @ParameterizedTest
  @EnumSource(GridGraph.Solver.class)
  void cutEqualsOpenCvsGivenOurColourModels(GridGraph.Solver solver) {
    for (SegmenterParams.ColourModels mode : SegmenterParams.ColourModels.values()) {
      GraphCutSegmenter seg =
          new GraphCutSegmenter(
              SegmenterParams.DEFAULTS.withColourModels(mode).withMaxFlow(solver));
      for (Fixture f : FIXTURES) {
        GraphCutSegmenter.Models models = seg.fitSeedModels(f.rgb, f.seeds);
        Mat mask = mask(f.seeds);
        Imgproc.grabCut(
            bgr(f.rgb),
            mask,
            new Rect(),
            model(models.background().toOpenCvModel()),
            model(models.foreground().toOpenCvModel()),
            1,
            Imgproc.GC_EVAL_FREEZE_MODEL);
        boolean[] ours = seg.segment(W, H, f.rgb, f.seeds, models).foreground();
        assertEquals(
            0,
            differing(ours, foreground(mask)),
            f.name + " (" + mode + " models, " + solver + "): pixels on different sides");
      }
    }
  }

  @ParameterizedTest
  @EnumSource(GridGraph.Solver.class)
  void cutEqualsOpenCvsGivenOpenCvsColourModels(GridGraph.Solver solver) {
    GraphCutSegmenter seg = new GraphCutSegmenter(SegmenterParams.DEFAULTS.withMaxFlow(solver));
    for (Fixture f : FIXTURES) {
      Mat mask = mask(f.seeds), bgd = new Mat(), fgd = new Mat();
      Core.setRNGSeed(1);
      Imgproc.grabCut(bgr(f.rgb), mask, new Rect(), bgd, fgd, 1, Imgproc.GC_INIT_WITH_MASK);
      GraphCutSegmenter.Models theirs =
          new GraphCutSegmenter.Models(
              GaussianMixture.fromOpenCvModel(values(bgd)),
              GaussianMixture.fromOpenCvModel(values(fgd)));
      boolean[] ours = seg.segment(W, H, f.rgb, f.seeds, theirs).foreground();
      assertEquals(
          0,
          differing(ours, foreground(mask)),
          f.name + " (" + solver + "): pixels on different sides");
    }
  }

  @ParameterizedTest
  @EnumSource(GridGraph.Solver.class)
  void endToEndMasksAgreeWithGrabCut(GridGraph.Solver solver) {
    GraphCutSegmenter seg =
        new GraphCutSegmenter(
            SegmenterParams.DEFAULTS
                .withColourModels(SegmenterParams.ColourModels.GRABCUT)
                .withMaxFlow(solver));
    double sum = 0;
    StringBuilder per = new StringBuilder();
    for (Fixture f : FIXTURES) {
      Mat mask = mask(f.seeds);
      Core.setRNGSeed(1);
      Imgproc.grabCut(
          bgr(f.rgb), mask, new Rect(), new Mat(), new Mat(), 1, Imgproc.GC_INIT_WITH_MASK);
      double iou = iou(seg.segment(W, H, f.rgb, f.seeds).foreground(), foreground(mask));
      per.append(String.format(" %s=%.4f", f.name, iou));
      sum += iou;
    }
    double mean = sum / FIXTURES.size();
    assertTrue(mean >= 0.95, "mean IoU " + mean + ":" + per);
  }

  /**
   * GrabCut from a rectangle (cam-rect): seeds from the map's mass box ({@link MassBoxSeeds}), ours
   * with {@link SegmenterParams.ColourModels#RECT} against OpenCV with the undecided pixels marked
   * {@code GC_PR_FGD}, which is what OpenCV's own rectangle initialisation does inside the
   * rectangle.
   */
  @ParameterizedTest
  @EnumSource(GridGraph.Solver.class)
  void massBoxSeedsAgreeWithGrabCutFromARectangle(GridGraph.Solver solver) {
    GraphCutSegmenter seg =
        new GraphCutSegmenter(
            SegmenterParams.DEFAULTS
                .withColourModels(SegmenterParams.ColourModels.RECT)
                .withMaxFlow(solver));
    double sum = 0;
    StringBuilder per = new StringBuilder();
    for (Fixture f : FIXTURES) {
      PixelBox rect =
          MassBoxSeeds.widen(
              MassBoxSeeds.massBox(f.map, W, H, MassBoxSeeds.TAIL), W, H, MassBoxSeeds.MARGIN);
      byte[] seeds = MassBoxSeeds.seeds(f.map, W, H, rect, MassBoxSeeds.CORE);
      byte[] cv = seeds.clone();
      int background = 0;
      for (int i = 0; i < cv.length; i++) {
        if (cv[i] == GraphCutSegmenter.UNDECIDED) cv[i] = Imgproc.GC_PR_FGD;
        if (cv[i] == GraphCutSegmenter.BACKGROUND_SEED) background++;
      }
      assertTrue(background > 0, f.name + ": the rectangle leaves background");
      Mat mask = mask(cv);
      Core.setRNGSeed(1);
      Imgproc.grabCut(
          bgr(f.rgb), mask, new Rect(), new Mat(), new Mat(), 1, Imgproc.GC_INIT_WITH_MASK);
      double iou = iou(seg.segment(W, H, f.rgb, seeds).foreground(), foreground(mask));
      per.append(String.format(" %s=%.4f", f.name, iou));
      sum += iou;
    }
    double mean = sum / FIXTURES.size();
    assertTrue(mean >= 0.95, "mean IoU " + mean + ":" + per);
  }
}
