package org.wsol.saliency.visualize;

/** Adam (Kingma and Ba 2015) ascending: the step Lucid's renders use. */
final class Adam {
  static final double BETA1 = 0.9;
  static final double BETA2 = 0.999;
  static final double EPS = 1e-8;
  private final double learningRate;
  private final float[] m;
  private final float[] v;
  private int t;

  Adam(int size, double learningRate) {
    this.learningRate = learningRate;
    this.m = new float[size];
    this.v = new float[size];
  }

  /** x += lr * m_hat / (sqrt(v_hat) + eps), for the gradient g of what is maximised. */
  void ascend(float[] x, float[] g) {
    t++;
    double c1 = 1 - Math.pow(BETA1, t);
    double c2 = 1 - Math.pow(BETA2, t);
    for (int i = 0; i < x.length; i++) {
      m[i] = (float) (BETA1 * m[i] + (1 - BETA1) * g[i]);
      v[i] = (float) (BETA2 * v[i] + (1 - BETA2) * g[i] * g[i]);
      x[i] += (float) (learningRate * (m[i] / c1) / (Math.sqrt(v[i] / c2) + EPS));
    }
  }
}
