package org.wsol.cli.bench;

import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Rect;
import org.opencv.imgproc.Imgproc;

/**
 * OpenCV's grabCut as the reference for the segmenter benchmark: one thread, repeatable k-means.
 */
final class OpenCvGrabCut {
  private static boolean loaded;

  private OpenCvGrabCut() {}

  static synchronized void load() {
    if (!loaded) {
      nu.pattern.OpenCV.loadLocally(); // unpacks the bundled native library for this platform
      loaded = true;
    }
    Core.setNumThreads(1);
  }

  /** 8-bit BGR image (OpenCV's order) from packed 0xRRGGBB. */
  static Mat bgr(int w, int h, int[] rgb) {
    byte[] px = new byte[3 * w * h];
    for (int i = 0; i < w * h; i++) {
      px[3 * i] = (byte) rgb[i];
      px[3 * i + 1] = (byte) (rgb[i] >> 8);
      px[3 * i + 2] = (byte) (rgb[i] >> 16);
    }
    Mat m = new Mat(h, w, CvType.CV_8UC3);
    m.put(0, 0, px);
    return m;
  }

  /** A mask Mat holding the seed codes (ours equal GC_BGD, GC_FGD, GC_PR_BGD). */
  static Mat mask(int w, int h, byte[] seeds) {
    Mat m = new Mat(h, w, CvType.CV_8UC1);
    m.put(0, 0, seeds);
    return m;
  }

  /**
   * One grabCut iteration from the seed mask (GC_INIT_WITH_MASK), its k-means seeded by {@code
   * setRNGSeed(rngSeed)} so that runs repeat. The mask is overwritten with the result.
   */
  static void grabCut(Mat bgr, Mat mask, int rngSeed) {
    Core.setRNGSeed(rngSeed);
    Imgproc.grabCut(bgr, mask, new Rect(), new Mat(), new Mat(), 1, Imgproc.GC_INIT_WITH_MASK);
  }

  /** Foreground flags (GC_FGD or GC_PR_FGD) of a grabCut result mask. */
  static boolean[] foreground(Mat mask) {
    byte[] m = new byte[(int) mask.total()];
    mask.get(0, 0, m);
    boolean[] fg = new boolean[m.length];
    for (int i = 0; i < m.length; i++) fg[i] = (m[i] & 1) == 1;
    return fg;
  }
}
