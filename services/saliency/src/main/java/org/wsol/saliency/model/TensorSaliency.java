package org.wsol.saliency.model;

import java.util.Arrays;

/**
 * Raw result on an input tensor of batch x 3 x S x S: logits (batch x numClasses), the classes used
 * per sample and rank, per rank the input gradient (batch x 3 x S x S; null with {@link
 * SaliencyMethod#CAM}), and the class activations (null with {@link SaliencyMethod#GRADIENT}).
 */
public record TensorSaliency(
    int batch,
    int size,
    int numClasses,
    float[] logits,
    int[][] classes,
    float[][] gradients,
    SaliencyMethod method,
    ClassActivation activations) {
  public TensorSaliency(
      int batch, int size, int numClasses, float[] logits, int[][] classes, float[][] gradients) {
    this(batch, size, numClasses, logits, classes, gradients, SaliencyMethod.GRADIENT, null);
  }

  public float logit(int sample, int cls) {
    return logits[sample * numClasses + cls];
  }

  public float[] gradient(int rank, int sample) {
    int n = 3 * size * size;
    return Arrays.copyOfRange(gradients[rank], sample * n, (sample + 1) * n);
  }

  /** The sample's map for the class of this rank, S x S, by the method. */
  public float[] map(int rank, int sample) {
    if (method == SaliencyMethod.CAM) {
      return activations.map(classes[sample][rank], sample, size);
    }
    float[] map = MapAssembly.maxAbsOverChannels(gradients[rank], sample * 3 * size * size, size);
    if (method == SaliencyMethod.GRADIENT_CAM) {
      float[] cam = activations.map(classes[sample][rank], sample, size);
      for (int i = 0; i < map.length; i++) {
        map[i] *= Math.max(0f, cam[i]);
      }
    }
    return map;
  }
}
