package org.wsol.saliency.model;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.wsol.saliency.model.SaliencyModel.ClassSaliency;
import org.wsol.saliency.model.SaliencyModel.ImageSaliency;
import org.wsol.saliency.model.SaliencyModel.Mode;
import org.wsol.saliency.model.SaliencyModel.Prepared;

/**
 * Post-processing: which classes each image gets (its top-k by the mean logit over its crops, then
 * a requested extra class), and each class's map in the working-image frame, resized back from the
 * single crop or placed back from the ten crops (and the full view, when on).
 */
public final class MapAssembly {

  /** A crop's map for a rank: sample = image x crops + crop. */
  interface CropMaps {
    float[] map(int rank, int sample);
  }

  private final int size;
  private final List<String> labels;
  private final int numClasses;

  /** Maps of {@code size} x {@code size} inputs, for a model with these class labels. */
  MapAssembly(int size, List<String> labels) {
    this.size = size;
    this.labels = labels;
    this.numClasses = labels.size();
  }

  static boolean hasExtra(int[] extra) {
    return extra != null && Arrays.stream(extra).anyMatch(e -> e >= 0);
  }

  /**
   * Per sample, its image's top-k by the mean logit over the image's first {@code ranked} inputs,
   * then its extra class if any.
   */
  int[][] classes(
      float[] logits, int images, int cropsPerImage, int ranked, int topK, int[] extra) {
    boolean anyExtra = hasExtra(extra);
    int[][] cls = new int[images * cropsPerImage][];
    for (int i = 0; i < images; i++) {
      int[] top = topK(meanLogits(logits, i, cropsPerImage, ranked), 0, numClasses, topK);
      if (anyExtra) {
        // Every sample needs a class in each backward pass; one without an extra repeats its top
        // class.
        top = Arrays.copyOf(top, top.length + 1);
        top[top.length - 1] = extra[i] >= 0 ? extra[i] : top[0];
      }
      for (int c = 0; c < cropsPerImage; c++) {
        cls[i * cropsPerImage + c] = top;
      }
    }
    return cls;
  }

  /** Mean logits over the first {@code ranked} of an image's {@code per} consecutive inputs. */
  private float[] meanLogits(float[] logits, int image, int per, int ranked) {
    float[] mean = new float[numClasses];
    for (int c = 0; c < ranked; c++) {
      int off = (image * per + c) * numClasses;
      for (int k = 0; k < numClasses; k++) {
        mean[k] += logits[off + k] / ranked;
      }
    }
    return mean;
  }

  /**
   * Per-image maps in the working-image frame: resized back (single crop) or placed back (10-crop).
   */
  List<ImageSaliency> maps(
      Prepared p, float[] logits, int[][] sampleClasses, CropMaps t, int[] extra) {
    boolean anyExtra = hasExtra(extra);
    int per = p.cropsPerImage();
    int crops = p.rankedPerImage();
    List<ImageSaliency> out = new ArrayList<>(p.images());
    for (int i = 0; i < p.images(); i++) {
      BufferedImage wi = p.working().get(i);
      int w = wi.getWidth();
      int h = wi.getHeight();
      float[] meanLogits = meanLogits(logits, i, per, crops);
      int[] imageClasses = sampleClasses[i * per];
      List<ClassSaliency> classes = new ArrayList<>(imageClasses.length);
      int ranked = imageClasses.length - (anyExtra ? 1 : 0);
      for (int r = 0; r < ranked + (anyExtra && extra[i] >= 0 ? 1 : 0); r++) {
        float[] map;
        if (p.mode() == Mode.SINGLE_CROP) {
          map = resizeMap(t.map(r, i), size, size, w, h);
        } else {
          float[][] cropMaps = new float[crops][];
          for (int c = 0; c < crops; c++) {
            cropMaps[c] = t.map(r, i * per + c);
          }
          List<float[]> whole = new ArrayList<>(per - crops);
          for (int c = crops; c < per; c++) {
            // Inputs after the crops are the full view, then its mirror: flip that one back first.
            float[] m = t.map(r, i * per + c);
            whole.add(resizeMap(c == crops ? m : TenCrop.flip(m, size), size, size, w, h));
          }
          map = TenCrop.placeBack(cropMaps, size, w, h, whole);
        }
        int cls = imageClasses[r];
        classes.add(
            new ClassSaliency(
                cls,
                labels.get(cls),
                r < ranked ? r : SaliencyModel.REQUESTED,
                meanLogits[cls],
                map));
      }
      out.add(new ImageSaliency(wi, List.copyOf(classes)));
    }
    return out;
  }

  /**
   * Indices of the k largest values of v[off..off+len), largest first; equal values in index order
   * (as a stable sort by Float.compare, descending, would give). A selection in one scan: sorting
   * the 1,000 classes as boxed indices per image cost more than the rest of the class choice.
   */
  static int[] topK(float[] v, int off, int len, int k) {
    int[] top = new int[Math.max(0, Math.min(k, len))];
    int count = 0;
    for (int i = 0; i < len; i++) {
      float x = v[off + i];
      if (count == top.length && (count == 0 || Float.compare(x, v[off + top[count - 1]]) <= 0)) {
        continue;
      }
      int p = count < top.length ? count++ : count - 1;
      while (p > 0 && Float.compare(x, v[off + top[p - 1]]) > 0) {
        top[p] = top[p - 1];
        p--;
      }
      top[p] = i;
    }
    return top;
  }

  /** M_ij = max over channels |g_cij| for one 3 x size x size gradient at g[offset..]. */
  public static float[] maxAbsOverChannels(float[] g, int offset, int size) {
    int plane = size * size;
    float[] m = new float[plane];
    for (int i = 0; i < plane; i++) {
      int j = offset + i;
      m[i] = Math.max(Math.abs(g[j]), Math.max(Math.abs(g[j + plane]), Math.abs(g[j + 2 * plane])));
    }
    return m;
  }

  /**
   * Bilinear resize of a float map, pixel centres aligned (like align_corners=false). Separable, in
   * the same arithmetic as the per-pixel formula (so the same values): each source row is
   * interpolated across once, into the output's width, and each output row then blends two such
   * rows. Five 320 x 320 class activation maps per image from 10 x 10 made the per-pixel loop a
   * tenth of the default mode's CPU time; this one does 3 operations a pixel instead of 10.
   */
  public static float[] resizeMap(float[] src, int sw, int sh, int dw, int dh) {
    float[] out = new float[dw * dh];
    float fx = (float) sw / dw;
    float fy = (float) sh / dh;
    int[] xs0 = new int[dw];
    int[] xs1 = new int[dw];
    float[] wxs = new float[dw];
    for (int x = 0; x < dw; x++) {
      float sx = Math.max(0f, Math.min(sw - 1f, (x + 0.5f) * fx - 0.5f));
      xs0[x] = (int) sx;
      xs1[x] = Math.min(xs0[x] + 1, sw - 1);
      wxs[x] = sx - xs0[x];
    }
    // The two source rows the current output row blends, interpolated across; rows move down only.
    float[] upper = new float[dw];
    float[] lower = new float[dw];
    int upperRow = -1;
    int lowerRow = -1;
    for (int y = 0; y < dh; y++) {
      float sy = Math.max(0f, Math.min(sh - 1f, (y + 0.5f) * fy - 0.5f));
      int y0 = (int) sy;
      int y1 = Math.min(y0 + 1, sh - 1);
      float wy = sy - y0;
      if (y0 != upperRow) {
        if (y0 == lowerRow) {
          float[] t = upper;
          upper = lower;
          lower = t;
          lowerRow = -1;
        } else {
          interpolateRow(src, y0 * sw, xs0, xs1, wxs, upper);
        }
        upperRow = y0;
      }
      float[] bottom = upper;
      if (y1 != y0) {
        if (y1 != lowerRow) {
          interpolateRow(src, y1 * sw, xs0, xs1, wxs, lower);
          lowerRow = y1;
        }
        bottom = lower;
      }
      int o = y * dw;
      for (int x = 0; x < dw; x++) {
        out[o + x] = upper[x] * (1 - wy) + bottom[x] * wy;
      }
    }
    return out;
  }

  /** One source row (starting at {@code r}) interpolated across into {@code dst}. */
  private static void interpolateRow(
      float[] src, int r, int[] xs0, int[] xs1, float[] wxs, float[] dst) {
    for (int x = 0; x < dst.length; x++) {
      float wx = wxs[x];
      dst[x] = src[r + xs0[x]] * (1 - wx) + src[r + xs1[x]] * wx;
    }
  }
}
