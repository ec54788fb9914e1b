package org.wsol.saliency.model;

import java.util.ArrayList;
import java.util.List;

/**
 * A class-agnostic object map from several classes' maps: the mean of an image's top-k predicted
 * classes' maps, each first divided by its own maximum so that no class dominates by the scale of
 * its gradient. The top classes of an image are usually related (several dog breeds, several
 * vehicles) and each class's gradient lights up different discriminative parts, so the mean covers
 * more of the object than one class's map. No extra network pass: it only recombines maps already
 * computed.
 *
 * <p>{@link Weights#SOFTMAX} weighs each class by the classifier's probability renormalised over
 * the top k (the expected map under the model's belief about the class) instead of equally, so that
 * an unlikely fifth class counts for little.
 */
public final class CombinedClasses {
  private CombinedClasses() {}

  /** How the top-k maps are weighed: equally, or by softmax of their logits over the top k. */
  public enum Weights {
    EQUAL,
    SOFTMAX;

    /** From the setting's value: equal or softmax. */
    public static Weights of(String setting) {
      try {
        return valueOf(setting.trim().toUpperCase(java.util.Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "saliency.combine.weights must be equal or softmax: '" + setting + "'");
      }
    }
  }

  /**
   * The image with every class's map (each top-k rank and a {@link SaliencyModel#REQUESTED} class
   * alike) replaced by the combined map of its ranks 0..k-1; indices, labels, ranks and logits stay
   * as they were. A class map that is all zero adds nothing (it has no maximum to divide by).
   */
  public static SaliencyModel.ImageSaliency combine(SaliencyModel.ImageSaliency image, int k) {
    return combine(image, k, Weights.EQUAL);
  }

  /**
   * As {@link #combine(SaliencyModel.ImageSaliency, int)}, the maps weighed as {@code weights}
   * says.
   */
  public static SaliencyModel.ImageSaliency combine(
      SaliencyModel.ImageSaliency image, int k, Weights weights) {
    float[] combined = combinedMap(image, k, weights);
    List<SaliencyModel.ClassSaliency> out = new ArrayList<>(image.classes().size());
    for (SaliencyModel.ClassSaliency c : image.classes()) {
      // Each record gets its own copy: a consumer may scale its map in place.
      out.add(
          new SaliencyModel.ClassSaliency(
              c.index(), c.label(), c.rank(), c.logit(), combined.clone()));
    }
    return new SaliencyModel.ImageSaliency(image.workingImage(), List.copyOf(out));
  }

  /** The mean over ranks 0..k-1 of each map divided by its maximum. */
  public static float[] combinedMap(SaliencyModel.ImageSaliency image, int k) {
    return combinedMap(image, k, Weights.EQUAL);
  }

  /** The weighted mean over ranks 0..k-1 of each map divided by its maximum. */
  public static float[] combinedMap(SaliencyModel.ImageSaliency image, int k, Weights weights) {
    List<SaliencyModel.ClassSaliency> ranked = new ArrayList<>();
    for (SaliencyModel.ClassSaliency c : image.classes()) {
      if (c.rank() >= 0 && c.rank() < k) {
        ranked.add(c);
      }
    }
    if (ranked.isEmpty()) {
      throw new IllegalArgumentException(
          "no ranked class among ranks 0.." + (k - 1) + " to combine");
    }
    double[] w = new double[ranked.size()];
    double top =
        ranked.stream().mapToDouble(SaliencyModel.ClassSaliency::logit).max().orElseThrow();
    double total = 0;
    for (int j = 0; j < w.length; j++) {
      w[j] = weights == Weights.SOFTMAX ? Math.exp(ranked.get(j).logit() - top) : 1;
      total += w[j];
    }
    float[] sum = new float[image.width() * image.height()];
    for (int j = 0; j < w.length; j++) {
      SaliencyModel.ClassSaliency c = ranked.get(j);
      float max = 0;
      for (float v : c.map()) {
        max = Math.max(max, v);
      }
      if (max <= 0) {
        continue;
      }
      float[] m = c.map();
      float wj = (float) w[j]; // 1 for equal weights: then exactly the plain mean
      for (int i = 0; i < sum.length; i++) {
        sum[i] += m[i] / max * wj;
      }
    }
    float n = (float) total;
    for (int i = 0; i < sum.length; i++) {
      sum[i] /= n;
    }
    return sum;
  }
}
