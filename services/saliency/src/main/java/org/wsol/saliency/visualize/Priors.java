package org.wsol.saliency.visualize;

/**
 * The switches of a readable class model, each one of the literature's image priors; 0 or false
 * turns one off.
 *
 * @param spectrum optimise 1/f-scaled cosine coefficients instead of pixels (Fourier
 *     parameterisation)
 * @param decorrelate optimise in ImageNet's decorrelated colour space
 * @param jitter random shift of up to this many pixels each step
 * @param scaleRange random scale in [1 - scaleRange, 1 + scaleRange] each step
 * @param rotateDegrees random rotation of up to this many degrees each step
 * @param blurSigma Gaussian blur of this sigma (pixels) every {@code blurEvery} steps
 * @param blurEvery steps between blurs
 * @param tv weight of the total-variation penalty on the [0, 1] image
 * @param l2 weight of lambda ||I||^2 on the normalised input (the paper's prior)
 * @param clipNorm percentile of pixels with the smallest norm set to grey after each step (pixels
 *     only)
 * @param clipContribution percentile of pixels with the smallest |x . grad| set to grey (pixels
 *     only)
 * @param learningRate Adam's step
 */
public record Priors(
    boolean spectrum,
    boolean decorrelate,
    int jitter,
    double scaleRange,
    double rotateDegrees,
    double blurSigma,
    int blurEvery,
    double tv,
    double l2,
    double clipNorm,
    double clipContribution,
    double learningRate) {

  public Priors {
    if (jitter < 0
        || scaleRange < 0
        || scaleRange >= 1
        || rotateDegrees < 0
        || blurSigma < 0
        || tv < 0
        || l2 < 0
        || learningRate <= 0) {
      throw new IllegalArgumentException("priors out of range: " + this);
    }
    if (blurSigma > 0 && blurEvery < 1) {
      throw new IllegalArgumentException("a blur needs blurEvery >= 1, not " + blurEvery);
    }
    if (clipNorm < 0 || clipNorm >= 100 || clipContribution < 0 || clipContribution >= 100) {
      throw new IllegalArgumentException(
          "clipping percentiles must be in [0, 100): " + clipNorm + ", " + clipContribution);
    }
    if (spectrum && (clipNorm > 0 || clipContribution > 0)) {
      throw new IllegalArgumentException(
          "pixel clipping needs the pixel parameterisation (spectrum off)");
    }
  }

  /**
   * The default: Fourier parameterisation, decorrelated colour and Lucid's transformation
   * robustness (shift 8 px, scale +-10%, rotation +-10 degrees), Adam at 0.05; chosen by the
   * augmentation check in the README.
   */
  public static Priors readable() {
    return new Priors(true, true, 8, 0.1, 10, 0, 1, 0, 0, 0, 0, 0.05);
  }

  /** Nothing on but the optimiser: pixels, no jitter, no penalty. */
  public static Priors none() {
    return new Priors(false, false, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0.05);
  }

  public Priors withSpectrum(boolean on) {
    return new Priors(
        on,
        decorrelate,
        jitter,
        scaleRange,
        rotateDegrees,
        blurSigma,
        blurEvery,
        tv,
        l2,
        clipNorm,
        clipContribution,
        learningRate);
  }

  public Priors withDecorrelate(boolean on) {
    return new Priors(
        spectrum,
        on,
        jitter,
        scaleRange,
        rotateDegrees,
        blurSigma,
        blurEvery,
        tv,
        l2,
        clipNorm,
        clipContribution,
        learningRate);
  }

  public Priors withTransforms(int jitterPixels, double scale, double degrees) {
    return new Priors(
        spectrum,
        decorrelate,
        jitterPixels,
        scale,
        degrees,
        blurSigma,
        blurEvery,
        tv,
        l2,
        clipNorm,
        clipContribution,
        learningRate);
  }

  public Priors withBlur(double sigma, int every) {
    return new Priors(
        spectrum,
        decorrelate,
        jitter,
        scaleRange,
        rotateDegrees,
        sigma,
        every,
        tv,
        l2,
        clipNorm,
        clipContribution,
        learningRate);
  }

  public Priors withTv(double weight) {
    return new Priors(
        spectrum,
        decorrelate,
        jitter,
        scaleRange,
        rotateDegrees,
        blurSigma,
        blurEvery,
        weight,
        l2,
        clipNorm,
        clipContribution,
        learningRate);
  }

  public Priors withL2(double weight) {
    return new Priors(
        spectrum,
        decorrelate,
        jitter,
        scaleRange,
        rotateDegrees,
        blurSigma,
        blurEvery,
        tv,
        weight,
        clipNorm,
        clipContribution,
        learningRate);
  }

  public Priors withClipping(double normPercentile, double contributionPercentile) {
    return new Priors(
        spectrum,
        decorrelate,
        jitter,
        scaleRange,
        rotateDegrees,
        blurSigma,
        blurEvery,
        tv,
        l2,
        normPercentile,
        contributionPercentile,
        learningRate);
  }

  public Priors withLearningRate(double lr) {
    return new Priors(
        spectrum,
        decorrelate,
        jitter,
        scaleRange,
        rotateDegrees,
        blurSigma,
        blurEvery,
        tv,
        l2,
        clipNorm,
        clipContribution,
        lr);
  }

  /** One line for logs and the README. */
  public String describe() {
    StringBuilder s = new StringBuilder(spectrum ? "fourier" : "pixels");
    s.append(decorrelate ? ", decorrelated colour" : ", rgb");
    if (jitter > 0 || scaleRange > 0 || rotateDegrees > 0) {
      s.append(
          String.format(
              java.util.Locale.ROOT,
              ", jitter %d px / scale %.2f / rotate %.0f deg",
              jitter,
              scaleRange,
              rotateDegrees));
    }
    if (blurSigma > 0) {
      s.append(String.format(java.util.Locale.ROOT, ", blur %.2f every %d", blurSigma, blurEvery));
    }
    if (tv > 0) {
      s.append(", tv ").append(tv);
    }
    if (l2 > 0) {
      s.append(", l2 ").append(l2);
    }
    if (clipNorm > 0 || clipContribution > 0) {
      s.append(", clip norm ")
          .append(clipNorm)
          .append("% / contribution ")
          .append(clipContribution)
          .append('%');
    }
    return s.append(", adam ").append(learningRate).toString();
  }
}
