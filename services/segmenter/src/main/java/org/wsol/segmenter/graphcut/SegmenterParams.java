package org.wsol.segmenter.graphcut;

/**
 * Parameters of the localiser.
 *
 * @param foregroundQuantile saliency quantile above which pixels are foreground seeds (paper: 0.95)
 * @param backgroundQuantile saliency quantile below which pixels are background seeds (paper: 0.30)
 * @param gamma pairwise weight γ (OpenCV grabCut: 50)
 * @param lambda seed capacity; OpenCV uses 9γ = 450, {@code Double.POSITIVE_INFINITY} makes seeds strictly hard
 * @param iterations GMM re-fit + re-cut rounds (≥ 1; 1 = one grabCut iteration)
 * @param components Gaussian components per colour model (OpenCV: 5)
 * @param seed seed of the k-means initialisation, for reproducible results
 * @param colourModels which pixels the first colour models are fitted to
 */
public record SegmenterParams(double foregroundQuantile, double backgroundQuantile, double gamma, double lambda,
                              int iterations, int components, long seed, ColourModels colourModels) {
    public static final SegmenterParams DEFAULTS = new SegmenterParams(0.95, 0.30, 50, 450, 1, 5, 20140000L, ColourModels.SEEDS);

    /** Pixels the first-iteration colour models learn from (later iterations use the current labelling). */
    public enum ColourModels {
        /** The paper's models: foreground from foreground seeds, background from background seeds only. */
        SEEDS,
        /**
         * As OpenCV's {@code grabCut(..., GC_INIT_WITH_MASK)} with undecided pixels marked {@code GC_PR_BGD}:
         * the background model also learns from every undecided pixel.
         */
        GRABCUT
    }

    public SegmenterParams {
        if (!(backgroundQuantile >= 0 && backgroundQuantile < foregroundQuantile && foregroundQuantile <= 1))
            throw new IllegalArgumentException("need 0 <= backgroundQuantile < foregroundQuantile <= 1, got "
                    + backgroundQuantile + ", " + foregroundQuantile);
        if (!(gamma >= 0) || Double.isInfinite(gamma)) throw new IllegalArgumentException("gamma must be finite and >= 0: " + gamma);
        if (!(lambda > 0)) throw new IllegalArgumentException("lambda must be > 0 (may be infinite): " + lambda);
        if (iterations < 1) throw new IllegalArgumentException("iterations must be >= 1: " + iterations);
        if (components < 1) throw new IllegalArgumentException("components must be >= 1: " + components);
        if (colourModels == null) throw new IllegalArgumentException("colourModels must be SEEDS or GRABCUT");
    }

    public SegmenterParams withQuantiles(double foreground, double background) {
        return new SegmenterParams(foreground, background, gamma, lambda, iterations, components, seed, colourModels);
    }

    public SegmenterParams withLambda(double l) {
        return new SegmenterParams(foregroundQuantile, backgroundQuantile, gamma, l, iterations, components, seed, colourModels);
    }

    public SegmenterParams withIterations(int n) {
        return new SegmenterParams(foregroundQuantile, backgroundQuantile, gamma, lambda, n, components, seed, colourModels);
    }

    public SegmenterParams withSeed(long s) {
        return new SegmenterParams(foregroundQuantile, backgroundQuantile, gamma, lambda, iterations, components, s, colourModels);
    }

    public SegmenterParams withColourModels(ColourModels m) {
        return new SegmenterParams(foregroundQuantile, backgroundQuantile, gamma, lambda, iterations, components, seed, m);
    }
}
