package org.wsol.segmenter.graphcut;

/**
 * Parameters of the localiser.
 *
 * @param foregroundQuantile saliency quantile above which pixels are foreground seeds (paper: 0.95)
 * @param backgroundQuantile saliency quantile below which pixels are background seeds (paper: 0.30)
 * @param gamma pairwise weight γ (OpenCV grabCut: 50)
 * @param lambda seed capacity; OpenCV uses 9γ = 450, {@code Double.POSITIVE_INFINITY} makes seeds
 *     strictly hard
 * @param iterations GMM re-fit + re-cut rounds (≥ 1; 1 = one grabCut iteration)
 * @param components Gaussian components per colour model (OpenCV: 5)
 * @param seed seed of the k-means initialisation, for reproducible results
 * @param colourModels which pixels the first colour models are fitted to
 * @param smoothing σ of a Gaussian blur of the saliency map before seeding, as a fraction of the
 *     map's shorter side (0 = none, the paper)
 * @param box which foreground pixels the box bounds (paper: the largest component)
 * @param extentMinShare with {@link BoxRule#EXTENT}: components smaller than this share of the map
 *     are left out
 * @param seeding where the seeds come from (paper: the map's quantiles)
 * @param maxFlow the max-flow solver of the cut (both give the same cut; they differ in speed)
 */
public record SegmenterParams(
    double foregroundQuantile,
    double backgroundQuantile,
    double gamma,
    double lambda,
    int iterations,
    int components,
    long seed,
    ColourModels colourModels,
    double smoothing,
    BoxRule box,
    double extentMinShare,
    SeedRule seeding,
    GridGraph.Solver maxFlow) {
  /** The paper's method with OpenCV grabCut's constants. */
  public static final SegmenterParams DEFAULTS =
      new SegmenterParams(
          0.95,
          0.30,
          50,
          450,
          1,
          5,
          20140000L,
          ColourModels.SEEDS,
          0,
          BoxRule.LARGEST,
          0.01,
          SeedRule.QUANTILES,
          GridGraph.Solver.BK);

  /**
   * Pixels the first-iteration colour models learn from (later iterations use the current
   * labelling).
   */
  public enum ColourModels {
    /**
     * The paper's models: foreground from foreground seeds, background from background seeds only.
     */
    SEEDS,
    /**
     * As OpenCV's {@code grabCut(..., GC_INIT_WITH_MASK)} with undecided pixels marked {@code
     * GC_PR_BGD}: the background model also learns from every undecided pixel.
     */
    GRABCUT,
    /**
     * As OpenCV's {@code grabCut} initialised with a rectangle: undecided pixels (inside the
     * rectangle) are probable foreground, so the foreground model learns from them and the
     * background model from the background seeds alone. Meant for {@link SeedRule#MASS_BOX}.
     */
    RECT
  }

  /** Where the seeds come from. */
  public enum SeedRule {
    /**
     * The paper: foreground above the map's foregroundQuantile, background below its
     * backgroundQuantile.
     */
    QUANTILES,
    /**
     * GrabCut from a rectangle around the map's mass ({@link MassBoxSeeds}); the quantiles are not
     * used.
     */
    MASS_BOX
  }

  /** What the box is drawn around. */
  public enum BoxRule {
    /** The largest 8-connected foreground component (the paper). */
    LARGEST,
    /**
     * Every foreground component of at least {@code extentMinShare} of the map (the object's
     * extent).
     */
    EXTENT
  }

  public SegmenterParams {
    if (!(backgroundQuantile >= 0
        && backgroundQuantile < foregroundQuantile
        && foregroundQuantile <= 1))
      throw new IllegalArgumentException(
          "need 0 <= backgroundQuantile < foregroundQuantile <= 1, got "
              + backgroundQuantile
              + ", "
              + foregroundQuantile);
    if (!(gamma >= 0) || Double.isInfinite(gamma))
      throw new IllegalArgumentException("gamma must be finite and >= 0: " + gamma);
    if (!(lambda > 0))
      throw new IllegalArgumentException("lambda must be > 0 (may be infinite): " + lambda);
    if (iterations < 1)
      throw new IllegalArgumentException("iterations must be >= 1: " + iterations);
    if (components < 1)
      throw new IllegalArgumentException("components must be >= 1: " + components);
    if (colourModels == null)
      throw new IllegalArgumentException("colourModels must be SEEDS, GRABCUT or RECT");
    if (maxFlow == null) throw new IllegalArgumentException("maxFlow must be BK or IBFS");
    if (seeding == null)
      throw new IllegalArgumentException("seeding must be QUANTILES or MASS_BOX");
    if (!(smoothing >= 0 && smoothing <= 1))
      throw new IllegalArgumentException(
          "smoothing must be in [0, 1] (a fraction of the shorter side): " + smoothing);
    if (box == null) throw new IllegalArgumentException("box rule is required (LARGEST or EXTENT)");
    if (!(extentMinShare >= 0 && extentMinShare < 1))
      throw new IllegalArgumentException("extentMinShare must be in [0, 1): " + extentMinShare);
  }

  public SegmenterParams withQuantiles(double foreground, double background) {
    return new SegmenterParams(
        foreground,
        background,
        gamma,
        lambda,
        iterations,
        components,
        seed,
        colourModels,
        smoothing,
        box,
        extentMinShare,
        seeding,
        maxFlow);
  }

  public SegmenterParams withLambda(double l) {
    return new SegmenterParams(
        foregroundQuantile,
        backgroundQuantile,
        gamma,
        l,
        iterations,
        components,
        seed,
        colourModels,
        smoothing,
        box,
        extentMinShare,
        seeding,
        maxFlow);
  }

  public SegmenterParams withIterations(int n) {
    return new SegmenterParams(
        foregroundQuantile,
        backgroundQuantile,
        gamma,
        lambda,
        n,
        components,
        seed,
        colourModels,
        smoothing,
        box,
        extentMinShare,
        seeding,
        maxFlow);
  }

  public SegmenterParams withSeed(long s) {
    return new SegmenterParams(
        foregroundQuantile,
        backgroundQuantile,
        gamma,
        lambda,
        iterations,
        components,
        s,
        colourModels,
        smoothing,
        box,
        extentMinShare,
        seeding,
        maxFlow);
  }

  public SegmenterParams withSmoothing(double sigmaShare) {
    return new SegmenterParams(
        foregroundQuantile,
        backgroundQuantile,
        gamma,
        lambda,
        iterations,
        components,
        seed,
        colourModels,
        sigmaShare,
        box,
        extentMinShare,
        seeding,
        maxFlow);
  }

  public SegmenterParams withBox(BoxRule rule, double minShare) {
    return new SegmenterParams(
        foregroundQuantile,
        backgroundQuantile,
        gamma,
        lambda,
        iterations,
        components,
        seed,
        colourModels,
        smoothing,
        rule,
        minShare,
        seeding,
        maxFlow);
  }

  public SegmenterParams withColourModels(ColourModels m) {
    return new SegmenterParams(
        foregroundQuantile,
        backgroundQuantile,
        gamma,
        lambda,
        iterations,
        components,
        seed,
        m,
        smoothing,
        box,
        extentMinShare,
        seeding,
        maxFlow);
  }

  public SegmenterParams withSeeding(SeedRule rule) {
    return new SegmenterParams(
        foregroundQuantile,
        backgroundQuantile,
        gamma,
        lambda,
        iterations,
        components,
        seed,
        colourModels,
        smoothing,
        box,
        extentMinShare,
        rule,
        maxFlow);
  }

  public SegmenterParams withMaxFlow(GridGraph.Solver solver) {
    return new SegmenterParams(
        foregroundQuantile,
        backgroundQuantile,
        gamma,
        lambda,
        iterations,
        components,
        seed,
        colourModels,
        smoothing,
        box,
        extentMinShare,
        seeding,
        solver);
  }
}
