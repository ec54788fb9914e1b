package org.wsol.saliency.model;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.wsol.common.image.RgbImages;
import org.wsol.saliency.model.SaliencyModel.Mode;
import org.wsol.saliency.model.SaliencyModel.Prepared;

/**
 * Pre-processing: images become the network's normalised inputs. Each image is scaled to a working
 * image (shorter side 256 by default, as in the paper), then either resized whole to the input size
 * (single crop) or cut into the ten crops, optionally followed by the whole working image and its
 * mirror (the full view).
 */
public final class CropInputs {

  /** Shorter side of the view the network's single crop is taken from: the paper's 256 px. */
  static final int NETWORK_VIEW_SIDE = 256;

  /** The full view and its mirror image. */
  static final int FULL_VIEWS = 2;

  private final int size;
  private final float[] mean;
  private final float[] std;

  /**
   * Inputs of {@code size} x {@code size}, normalised with the model's per-channel mean and std.
   */
  CropInputs(int size, float[] mean, float[] std) {
    this.size = size;
    this.mean = mean;
    this.std = std;
  }

  static int cropsPerImage(Mode mode) {
    return mode == Mode.TEN_CROP ? TenCrop.CROPS : 1;
  }

  /**
   * Network inputs per image: the crops, plus the full view and its mirror when on (ten-crop only).
   */
  static int inputsPerImage(Mode mode, boolean fullView) {
    return cropsPerImage(mode) + (fullView && mode == Mode.TEN_CROP ? FULL_VIEWS : 0);
  }

  /** Working images and their normalised inputs, images x inputs x 3 x S x S. */
  Prepared prepare(List<BufferedImage> images, Mode mode, int workingShortSide, boolean fullView) {
    if (mode == Mode.TEN_CROP && workingShortSide < size) {
      throw new IllegalArgumentException(
          "ten crops need a working image of at least the input size "
              + size
              + " (saliency.working.size is "
              + workingShortSide
              + ")");
    }
    int n = images.size();
    int crops = cropsPerImage(mode);
    int per = inputsPerImage(mode, fullView);
    int sample = 3 * size * size;
    List<BufferedImage> working = new ArrayList<>(n);
    float[] x = new float[n * per * sample];
    for (int i = 0; i < n; i++) {
      BufferedImage wi = workingImage(images.get(i), workingShortSide);
      working.add(wi);
      if (mode == Mode.SINGLE_CROP) {
        int[] rgb =
            rgb(RgbImages.resize(networkView(images.get(i), wi, workingShortSide), size, size));
        normalise(rgb, size, 0, 0, size, false, mean, std, x, i * sample);
      } else {
        int w = wi.getWidth();
        int[] rgb = rgb(wi);
        int[][] off = TenCrop.offsets(w, wi.getHeight(), size);
        for (int c = 0; c < crops; c++) {
          normalise(
              rgb,
              w,
              off[c][0],
              off[c][1],
              size,
              TenCrop.mirrored(c),
              mean,
              std,
              x,
              (i * per + c) * sample);
        }
        if (per > crops) {
          int[] full = rgb(RgbImages.resize(wi, size, size));
          normalise(full, size, 0, 0, size, false, mean, std, x, (i * per + crops) * sample);
          normalise(full, size, 0, 0, size, true, mean, std, x, (i * per + crops + 1) * sample);
        }
      }
    }
    return new Prepared(mode, List.copyOf(working), per, crops, x);
  }

  /**
   * The image the single crop is resized from: the working image when its shorter side is at least
   * {@link #NETWORK_VIEW_SIDE}, else the original scaled to that side. So a small working size
   * coarsens only the map and the GraphCut, never what the network sees (a 160 px working image
   * stretched to 224 px blurs the input and weakens the map), and the default 256 px working image
   * is used as it is.
   */
  static BufferedImage networkView(
      BufferedImage original, BufferedImage working, int workingShortSide) {
    return workingShortSide >= NETWORK_VIEW_SIDE
        ? working
        : workingImage(original, NETWORK_VIEW_SIDE);
  }

  /** Copy of img scaled so that its shorter side is shortSide (aspect kept), TYPE_INT_RGB. */
  public static BufferedImage workingImage(BufferedImage img, int shortSide) {
    int w = img.getWidth();
    int h = img.getHeight();
    double s = (double) shortSide / Math.min(w, h);
    int nw = Math.max(shortSide, (int) Math.round(w * s));
    int nh = Math.max(shortSide, (int) Math.round(h * s));
    return RgbImages.resize(img, nw, nh);
  }

  /** Packed RGB pixels of img, row-major. */
  public static int[] rgb(BufferedImage img) {
    return img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
  }

  /**
   * Writes the size x size window at (ox, oy) of an RGB image (packed ints, row stride width) into
   * dst[offset..] as 3 x size x size floats, x = (pixel/255 - mean)/std, optionally mirrored.
   */
  public static void normalise(
      int[] rgb,
      int width,
      int ox,
      int oy,
      int size,
      boolean mirror,
      float[] mean,
      float[] std,
      float[] dst,
      int offset) {
    int plane = size * size;
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        int p = rgb[(oy + y) * width + ox + (mirror ? size - 1 - x : x)];
        int i = offset + y * size + x;
        dst[i] = (((p >> 16) & 0xff) / 255f - mean[0]) / std[0];
        dst[i + plane] = (((p >> 8) & 0xff) / 255f - mean[1]) / std[1];
        dst[i + 2 * plane] = ((p & 0xff) / 255f - mean[2]) / std[2];
      }
    }
  }
}
