package org.wsol.segmenter.graphcut;

/**
 * GrabCut-style colour segmentation from seeds (Simonyan et al. 2014, §3.1; Rother et al. 2004),
 * numerically as OpenCV's {@code grabCut}: GMM colour models, unaries {@code -log p(colour)} for
 * undecided pixels, seed capacities λ, contrast-sensitive 8-neighbour pairwise terms {@code
 * γ·exp(-β‖zi−zj‖²)} (diagonals ÷√2) with {@code β = 1/(2·mean‖zi−zj‖²)} over all neighbour pairs.
 *
 * <p>By default ({@link SegmenterParams.ColourModels#SEEDS}) the first colour models are fitted to
 * the seeds only (the paper's models). {@link SegmenterParams.ColourModels#GRABCUT} fits the
 * background model to background seeds plus undecided pixels instead, which is what {@code
 * grabCut(..., GC_INIT_WITH_MASK)} does with undecided pixels marked {@code GC_PR_BGD}; with it,
 * and the same colour models, the cut equals OpenCV's pixel for pixel (see OpenCvAgreementTest).
 * Later iterations re-fit on the current labelling, as grabCut does.
 *
 * <p>Seed codes equal OpenCV's mask codes, so a seed mask can be handed to OpenCV unchanged.
 */
public final class GraphCutSegmenter {
  public static final byte BACKGROUND_SEED = 0; // GC_BGD
  public static final byte FOREGROUND_SEED = 1; // GC_FGD
  public static final byte UNDECIDED = 2; // GC_PR_BGD

  private final SegmenterParams params;

  public GraphCutSegmenter(SegmenterParams params) {
    this.params = params;
  }

  public SegmenterParams params() {
    return params;
  }

  /**
   * Segmentation: {@code foreground} holds the seeds plus the undecided pixels the cut put on the
   * foreground side. Times are in nanoseconds (colour models, graph building, max-flow).
   */
  public record Segmentation(
      boolean[] foreground,
      int area,
      double flow,
      long gmmNanos,
      long graphNanos,
      long flowNanos) {}

  /**
   * Colour models fitted as in the first iteration (k-means + one hard-EM step), for tests and
   * tools.
   */
  public record Models(GaussianMixture background, GaussianMixture foreground) {}

  /**
   * @param rgb packed 0xRRGGBB, row-major w×h
   * @param seeds {@link #BACKGROUND_SEED}, {@link #FOREGROUND_SEED} or {@link #UNDECIDED} per
   *     pixel; both seed kinds must be present
   */
  public Segmentation segment(int w, int h, int[] rgb, byte[] seeds) {
    return segment(w, h, rgb, seeds, null);
  }

  /**
   * Arrays for one image size, kept per thread: a 500×375 cut needs ~25 MB of them, and allocating
   * that for every image cost more in garbage collection than the cut itself.
   */
  private static final class Workspace {
    final int w, h;
    final double[][] edge;
    final double[] src, snk;
    // exp(-β d) for the squared colour differences d below its size: neighbours mostly differ
    // little, and a table of every possible d (3·255²+1, 1.5 MB) cost a fill per cut and pushed the
    // graph out of the cache.
    final double[] memo = new double[EXP_MEMO];
    final GridGraph graph;
    double cut;

    Workspace(int w, int h, GridGraph.Solver solver) {
      this.w = w;
      this.h = h;
      int n = w * h;
      edge = new double[4][n];
      src = new double[n];
      snk = new double[n];
      graph = solver.create(w, h);
    }
  }

  private final ThreadLocal<Workspace> workspaces = new ThreadLocal<>();

  private Workspace workspace(int w, int h) {
    Workspace ws = workspaces.get();
    if (ws == null || ws.w != w || ws.h != h) {
      ws = new Workspace(w, h, params.maxFlow());
      workspaces.set(ws);
    }
    return ws;
  }

  /**
   * As {@link #segment(int, int, int[], byte[])}, with given first-iteration colour models (or null
   * to fit them).
   */
  public Segmentation segment(int w, int h, int[] rgb, byte[] seeds, Models given) {
    int n = w * h;
    if (w < 1 || h < 1 || rgb.length != n || seeds.length != n)
      throw new IllegalArgumentException(
          "image " + rgb.length + " / seeds " + seeds.length + " do not match " + w + "×" + h);
    long t0 = System.nanoTime();
    Models models = given != null ? given : fitSeedModels(rgb, seeds);
    long gmm = System.nanoTime() - t0, graph = 0, flowT = 0;

    Workspace ws = workspace(w, h);
    long tb = System.nanoTime();
    double beta = beta(w, h, rgb);
    java.util.Arrays.fill(ws.memo, Double.NaN);
    graph += System.nanoTime() - tb;
    boolean[] fg = new boolean[n];
    for (int i = 0; i < n; i++) fg[i] = seeds[i] == FOREGROUND_SEED;
    double flow = 0;
    for (int it = 0; it < params.iterations(); it++) {
      if (it > 0) {
        long t = System.nanoTime();
        models = refitOnLabelling(rgb, fg, models);
        gmm += System.nanoTime() - t;
      }
      long t1 = System.nanoTime();
      double constant = buildGraph(w, h, rgb, seeds, models, beta, ws);
      GridGraph g = ws.graph;
      long t2 = System.nanoTime();
      flow = g.maxFlow() + constant;
      long t3 = System.nanoTime();
      boolean[] side = g.sourceSide();
      for (int i = 0; i < n; i++) if (seeds[i] == UNDECIDED) fg[i] = side[i];
      graph += t2 - t1;
      flowT += t3 - t2;
    }
    int area = 0;
    for (boolean b : fg) if (b) area++;
    return new Segmentation(fg, area, flow, gmm, graph, flowT);
  }

  /**
   * GMMs on the seed colours (and the undecided pixels' colours in the background model with {@link
   * SegmenterParams.ColourModels#GRABCUT}, in the foreground model with {@link
   * SegmenterParams.ColourModels#RECT}): k-means initialisation, then one assign/re-learn step (one
   * grabCut iteration).
   */
  public Models fitSeedModels(int[] rgb, byte[] seeds) {
    boolean undecidedToBg = params.colourModels() == SegmenterParams.ColourModels.GRABCUT;
    boolean undecidedToFg = params.colourModels() == SegmenterParams.ColourModels.RECT;
    int nf = 0, nb = 0;
    for (byte s : seeds) {
      if (s == FOREGROUND_SEED || (s == UNDECIDED && undecidedToFg)) nf++;
      else if (s == BACKGROUND_SEED || undecidedToBg) nb++;
    }
    if (nf == 0 || nb == 0)
      throw new IllegalArgumentException(
          "need both seed kinds: " + nf + " foreground, " + nb + " background");
    double[] fs = new double[3 * nf], bs = new double[3 * nb];
    for (int i = 0, f = 0, b = 0; i < seeds.length; i++) {
      if (seeds[i] == FOREGROUND_SEED || (seeds[i] == UNDECIDED && undecidedToFg))
        f = put(fs, f, rgb[i]);
      else if (seeds[i] == BACKGROUND_SEED || undecidedToBg) b = put(bs, b, rgb[i]);
    }
    GaussianMixture bg =
        new GaussianMixture(params.components()).fit(bs, nb, params.seed()).refit(bs, nb);
    GaussianMixture fgm =
        new GaussianMixture(params.components()).fit(fs, nf, params.seed() + 1).refit(fs, nf);
    return new Models(bg, fgm);
  }

  private Models refitOnLabelling(int[] rgb, boolean[] fg, Models m) {
    int nf = 0;
    for (boolean b : fg) if (b) nf++;
    int nb = fg.length - nf;
    if (nf == 0 || nb == 0) return m; // nothing to learn one side from: keep the models
    double[] fs = new double[3 * nf], bs = new double[3 * nb];
    for (int i = 0, f = 0, b = 0; i < fg.length; i++) {
      if (fg[i]) f = put(fs, f, rgb[i]);
      else b = put(bs, b, rgb[i]);
    }
    m.background().refit(bs, nb);
    m.foreground().refit(fs, nf);
    return m;
  }

  private static int put(double[] s, int at, int c) {
    s[at] = (c >> 16) & 0xFF;
    s[at + 1] = (c >> 8) & 0xFF;
    s[at + 2] = c & 0xFF;
    return at + 3;
  }

  private static int sqDiff(int a, int b) {
    int dr = ((a >> 16) & 0xFF) - ((b >> 16) & 0xFF),
        dg = ((a >> 8) & 0xFF) - ((b >> 8) & 0xFF),
        db = (a & 0xFF) - (b & 0xFF);
    return dr * dr + dg * dg + db * db;
  }

  /**
   * Pairwise capacities into {@code wt[k][node]} for k = right, down-left, down, down-right
   * (entries whose neighbour is outside are left as they are), as OpenCV's calcBeta + calcNWeights;
   * {@code memo} is scratch space (any length; {@link #EXP_MEMO} in the segmenter).
   */
  static void pairwiseWeights(int w, int h, int[] rgb, double gamma, double[][] wt, double[] memo) {
    int[] dx = {1, -1, 0, 1}, dy = {0, 1, 1, 1};
    double beta = beta(w, h, rgb);
    java.util.Arrays.fill(memo, Double.NaN);
    for (int k = 0; k < 4; k++) {
      double gk = k == 0 || k == 2 ? gamma : gamma / Math.sqrt(2.0);
      double[] wk = wt[k];
      for (int y = 0, i = 0; y < h; y++)
        for (int x = 0; x < w; x++, i++) {
          int nx = x + dx[k], ny = y + dy[k];
          if (nx < 0 || nx >= w || ny >= h) continue;
          wk[i] = gk * expBeta(rgb[i], rgb[ny * w + nx], beta, memo);
        }
    }
  }

  /**
   * β = 1/(2·mean‖zi−zj‖²) over all 8-neighbour pairs, as OpenCV's calcBeta (0 for a flat image).
   */
  static double beta(int w, int h, int[] rgb) {
    long sum = 0, pairs = 0; // integer squared differences: exact, and equal to OpenCV's double sum
    for (int y = 0, i = 0; y < h; y++) {
      boolean last = y + 1 == h;
      for (int x = 0; x < w; x++, i++) {
        int c = rgb[i];
        if (x + 1 < w) {
          sum += sqDiff(c, rgb[i + 1]);
          pairs++;
        }
        if (last) continue;
        if (x > 0) {
          sum += sqDiff(c, rgb[i + w - 1]);
          pairs++;
        }
        sum += sqDiff(c, rgb[i + w]);
        pairs++;
        if (x + 1 < w) {
          sum += sqDiff(c, rgb[i + w + 1]);
          pairs++;
        }
      }
    }
    return sum == 0 || pairs == 0 ? 0 : 1.0 / (2 * (double) sum / pairs);
  }

  /**
   * exp(-β‖a−b‖²), memoised on the integer ‖a−b‖² below {@code memo.length} ({@code memo} starts as
   * NaN for each β); the same value either way.
   */
  private static double expBeta(int a, int b, double beta, double[] memo) {
    int d = sqDiff(a, b);
    if (d >= memo.length) return Math.exp(-beta * d);
    double e = memo[d];
    if (e != e) memo[d] = e = Math.exp(-beta * d);
    return e;
  }

  /**
   * Terminal capacities [source, sink][node]: seeds λ, undecided pixels the two -log likelihoods
   * (shifted ≥ 0).
   */
  static void terminalWeights(
      int[] rgb, byte[] seeds, Models m, double lambda, double[] src, double[] snk) {
    int n = rgb.length;
    GaussianMixture bg = m.background(), fg = m.foreground();
    // Photos repeat colours (often in neighbouring pixels): a small direct-mapped cache of the last
    // unaries per colour hash saves their ten exp() and two log() calls on a hit; values are those
    // computed for the same colour, so the capacities are unchanged.
    int[] key = new int[UNARY_CACHE];
    double[] cs = new double[UNARY_CACHE], ct = new double[UNARY_CACHE];
    java.util.Arrays.fill(key, -1);
    for (int i = 0; i < n; i++) {
      if (seeds[i] == FOREGROUND_SEED) {
        src[i] = lambda;
        snk[i] = 0;
      } else if (seeds[i] == BACKGROUND_SEED) {
        src[i] = 0;
        snk[i] = lambda;
      } else {
        int c = rgb[i] & 0xFFFFFF, slot = (c * 0x9E3779B1) >>> (32 - UNARY_CACHE_BITS);
        if (key[slot] != c) {
          double r = (c >> 16) & 0xFF, g = (c >> 8) & 0xFF, b = c & 0xFF;
          double s = bg.negLogLikelihood(r, g, b), t = fg.negLogLikelihood(r, g, b);
          // Only the difference matters for the cut; keep capacities non-negative.
          double min = Math.min(s, t);
          key[slot] = c;
          cs[slot] = s - min;
          ct[slot] = t - min;
        }
        src[i] = cs[slot];
        snk[i] = ct[slot];
      }
    }
  }

  private static final int UNARY_CACHE_BITS = 12, UNARY_CACHE = 1 << UNARY_CACHE_BITS;

  /**
   * Squared colour differences whose exp(-β d) is memoised: up to a difference of ~74 per channel.
   */
  static final int EXP_MEMO = 1 << 14;

  /**
   * The graph of one cut. When λ exceeds the largest possible sum of a pixel's pairwise weights (4γ
   * + 4γ/√2), no minimum cut can put a seed on the wrong side, so seeds are merged into their
   * terminal: an edge seed–undecided becomes a terminal capacity of the undecided pixel, and edges
   * between a foreground and a background seed are always cut (returned as a constant). Minimum
   * cuts of the undecided pixels are then those of the full graph, and the max-flow has a third
   * fewer nodes to work through.
   *
   * @return the capacity cut for sure; the graph is {@code ws.graph}
   */
  private double buildGraph(
      int w, int h, int[] rgb, byte[] seeds, Models m, double beta, Workspace ws) {
    double[] src = ws.src, snk = ws.snk;
    double lambda = params.lambda(), g1 = params.gamma(), g2 = params.gamma() / Math.sqrt(2.0);
    boolean merge = lambda > params.gamma() * (4 + 4 / Math.sqrt(2.0));
    terminalWeights(
        rgb, seeds, m, merge ? 0 : lambda, src, snk); // merged seeds keep no terminal capacity
    double[] eR = ws.edge[0], eDL = ws.edge[1], eD = ws.edge[2], eDR = ws.edge[3];
    // One pass for the pairwise weights and the seed merging, row-major and in the order
    // right, down-left, down, down-right, so that the sums into src/snk are those of the
    // definitions.
    ws.cut = 0;
    for (int y = 0, i = 0; y < h; y++) {
      boolean last = y + 1 == h;
      for (int x = 0; x < w; x++, i++) {
        int c = rgb[i];
        byte s = seeds[i];
        if (x + 1 < w) eR[i] = link(i, i + 1, c, rgb[i + 1], g1, s, seeds, merge, beta, ws);
        if (last) continue;
        if (x > 0) eDL[i] = link(i, i + w - 1, c, rgb[i + w - 1], g2, s, seeds, merge, beta, ws);
        eD[i] = link(i, i + w, c, rgb[i + w], g1, s, seeds, merge, beta, ws);
        if (x + 1 < w)
          eDR[i] = link(i, i + w + 1, c, rgb[i + w + 1], g2, s, seeds, merge, beta, ws);
      }
    }
    ws.graph.setAll(src, snk, eR, eDL, eD, eDR);
    return ws.cut;
  }

  /**
   * The capacity to give the edge i–j (colours ci, cj, weight gk·exp(-β‖ci−cj‖²)) in the graph.
   * With seeds merged into the terminals, an edge to a seed becomes terminal capacity of its
   * undecided end, one between seeds of both kinds is cut for sure (added to {@code ws.cut}), and
   * one between seeds of one kind counts for nothing (its weight is not even computed); all leave 0
   * in the graph.
   */
  private static double link(
      int i,
      int j,
      int ci,
      int cj,
      double gk,
      byte si,
      byte[] seeds,
      boolean merge,
      double beta,
      Workspace ws) {
    if (!merge) return gk * expBeta(ci, cj, beta, ws.memo);
    byte sj = seeds[j];
    if (si != UNDECIDED && si == sj) return 0;
    double c = gk * expBeta(ci, cj, beta, ws.memo);
    if (si == UNDECIDED) {
      if (sj == UNDECIDED) return c;
      if (sj == FOREGROUND_SEED) ws.src[i] += c;
      else ws.snk[i] += c;
    } else if (sj == UNDECIDED) {
      if (si == FOREGROUND_SEED) ws.src[j] += c;
      else ws.snk[j] += c;
    } else if (si != sj) ws.cut += c;
    return 0;
  }
}
