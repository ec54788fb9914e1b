package org.wsol.saliency.model;

import java.util.ArrayList;
import java.util.List;

/**
 * A class-agnostic object map from several classes' maps: the mean of an image's top-k predicted classes' maps,
 * each first divided by its own maximum so that no class dominates by the scale of its gradient. The top classes
 * of an image are usually related (several dog breeds, several vehicles) and each class's gradient lights up
 * different discriminative parts, so the mean covers more of the object than one class's map. No extra network
 * pass: it only recombines maps already computed.
 */
public final class CombinedClasses {
  private CombinedClasses() {}

  /**
   * The image with every class's map (each top-k rank and a {@link SaliencyModel#REQUESTED} class alike) replaced
   * by the combined map of its ranks 0..k-1; indices, labels, ranks and logits stay as they were. A class map that
   * is all zero adds nothing (it has no maximum to divide by).
   */
  public static SaliencyModel.ImageSaliency combine(SaliencyModel.ImageSaliency image, int k) {
    float[] combined = combinedMap(image, k);
    List<SaliencyModel.ClassSaliency> out = new ArrayList<>(image.classes().size());
    for (SaliencyModel.ClassSaliency c : image.classes()) {
      // Each record gets its own copy: a consumer may scale its map in place.
      out.add(new SaliencyModel.ClassSaliency(c.index(), c.label(), c.rank(), c.logit(), combined.clone()));
    }
    return new SaliencyModel.ImageSaliency(image.workingImage(), List.copyOf(out));
  }

  /** The mean over ranks 0..k-1 of each map divided by its maximum. */
  public static float[] combinedMap(SaliencyModel.ImageSaliency image, int k) {
    float[] sum = new float[image.width() * image.height()];
    int n = 0;
    for (SaliencyModel.ClassSaliency c : image.classes()) {
      if (c.rank() < 0 || c.rank() >= k) {
        continue;
      }
      n++;
      float max = 0;
      for (float v : c.map()) {
        max = Math.max(max, v);
      }
      if (max <= 0) {
        continue;
      }
      float[] m = c.map();
      for (int i = 0; i < sum.length; i++) {
        sum[i] += m[i] / max;
      }
    }
    if (n == 0) {
      throw new IllegalArgumentException("no ranked class among ranks 0.." + (k - 1) + " to combine");
    }
    for (int i = 0; i < sum.length; i++) {
      sum[i] /= n;
    }
    return sum;
  }
}
