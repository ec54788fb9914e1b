package org.wsol.saliency.model;

/**
 * Which map each class gets (the crops, classes and placement back into the image are the same for
 * all).
 */
public enum SaliencyMethod {
  /** Simonyan et al. 2014: max over colour channels of |dS_c/dI| (the paper). */
  GRADIENT("gradient"),
  /**
   * Zhou et al. 2016: the class activation map Σ_k w_ck A_k of the last feature map (7 x 7 for a
   * 224-px input), resized bilinearly to the input. Coarse but covering the object's extent; no
   * backward pass.
   */
  CAM("cam"),
  /**
   * The gradient map multiplied, crop by crop, by the positive part of the class activation map, as
   * Guided Grad-CAM (Selvaraju et al. 2017) gates guided backpropagation: the gradient's pixel
   * detail (what GraphCut's colour seeds need) where the class's evidence lies, its speckle on the
   * background suppressed. Same passes as the gradient (the features come out of the same forward
   * pass).
   */
  GRADIENT_CAM("gradient-cam");

  public final String id;

  SaliencyMethod(String id) {
    this.id = id;
  }

  public static SaliencyMethod of(String id) {
    for (SaliencyMethod m : values()) {
      if (m.id.equals(id)) {
        return m;
      }
    }
    throw new IllegalArgumentException(
        "saliency.method must be gradient, cam or gradient-cam, not '" + id + "'");
  }
}
