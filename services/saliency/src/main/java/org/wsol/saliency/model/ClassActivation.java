package org.wsol.saliency.model;

/**
 * Class activation maps (Zhou et al. 2016, "Learning Deep Features for Discriminative
 * Localization"): for a network whose logits are a linear layer over the spatial mean of its last
 * feature map A (K channels), the map of class c is CAM_c(i, j) = Σ_k w_ck A_k(i, j), whose mean
 * over positions plus the bias is the logit itself. Plain arrays, no engine: the features come from
 * one forward pass, the weights from the model's last layer.
 *
 * @param features batch x K x fh x fw, the last feature map of each sample
 * @param weights classes x K, the last linear layer's weights
 */
record ClassActivation(float[] features, int batch, int channels, int fh, int fw, float[] weights) {

  ClassActivation {
    if (features.length != batch * channels * fh * fw) {
      throw new IllegalArgumentException(
          "features: "
              + features.length
              + " values for "
              + batch
              + " x "
              + channels
              + " x "
              + fh
              + " x "
              + fw);
    }
    if (weights.length % channels != 0) {
      throw new IllegalArgumentException(
          "weights: " + weights.length + " values, not a multiple of " + channels);
    }
  }

  /** CAM of class {@code cls} on sample {@code sample}, fh x fw, row-major. */
  float[] map(int cls, int sample) {
    int cells = fh * fw;
    float[] out = new float[cells];
    int f0 = sample * channels * cells;
    int w0 = cls * channels;
    for (int k = 0; k < channels; k++) {
      float w = weights[w0 + k];
      int off = f0 + k * cells;
      for (int p = 0; p < cells; p++) {
        out[p] += w * features[off + p];
      }
    }
    return out;
  }

  /**
   * The CAM resized to size x size as PyTorch's bilinear interpolation with align_corners=False
   * does it.
   */
  float[] map(int cls, int sample, int size) {
    return MapAssembly.resizeMap(map(cls, sample), fw, fh, size, size);
  }
}
