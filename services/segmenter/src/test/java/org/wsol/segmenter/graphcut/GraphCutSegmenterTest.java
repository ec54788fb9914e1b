package org.wsol.segmenter.graphcut;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class GraphCutSegmenterTest {

  /**
   * The full graph of one cut, seeds as nodes with capacity λ, built directly from the definitions.
   */
  static boolean[] fullGraphCut(
      int w,
      int h,
      int[] rgb,
      byte[] seeds,
      GraphCutSegmenter.Models m,
      SegmenterParams p,
      double[] flow) {
    int n = w * h;
    double[][] pair = new double[4][n];
    GraphCutSegmenter.pairwiseWeights(w, h, rgb, p.gamma(), pair, new double[3 * 255 * 255 + 1]);
    double[] src = new double[n], snk = new double[n];
    GraphCutSegmenter.terminalWeights(rgb, seeds, m, p.lambda(), src, snk);
    GridMaxFlow g = new GridMaxFlow(w, h);
    g.setAll(src, snk, pair[0], pair[1], pair[2], pair[3]);
    flow[0] = g.maxFlow();
    boolean[] side = g.sourceSide();
    for (int i = 0; i < n; i++)
      if (seeds[i] != GraphCutSegmenter.UNDECIDED)
        side[i] = seeds[i] == GraphCutSegmenter.FOREGROUND_SEED;
    return side;
  }

  static byte[] seeds(Object[] img, int w, int h) {
    return Localizer.seeds(w, h, (float[]) img[0], 0.95, 0.30);
  }

  @Test
  void cutAndFlowEqualThoseOfTheFullGraph() {
    int w = 90, h = 70;
    // λ = 450 merges seeds into the terminals; λ = 120 keeps them as nodes.
    for (SegmenterParams p :
        new SegmenterParams[] {SegmenterParams.DEFAULTS, SegmenterParams.DEFAULTS.withLambda(120)})
      for (long s = 1; s <= 4; s++) {
        GraphCutSegmenter seg = new GraphCutSegmenter(p);
        Object[] img = LocalizerTest.redSquare(w, h, 20, 15, 60, 50, s);
        int[] rgb = (int[]) img[1];
        byte[] seeds = seeds(img, w, h);
        GraphCutSegmenter.Models m = seg.fitSeedModels(rgb, seeds);
        double[] flow = new double[1];
        boolean[] full = fullGraphCut(w, h, rgb, seeds, m, p, flow);
        GraphCutSegmenter.Segmentation merged = seg.segment(w, h, rgb, seeds, m);
        assertArrayEquals(full, merged.foreground(), "seed " + s + ", lambda " + p.lambda());
        assertEquals(
            flow[0], merged.flow(), 1e-9 * flow[0], "seed " + s + ", lambda " + p.lambda());
      }
  }

  @Test
  void reusedWorkspaceGivesTheSameAsAFreshSegmenter() {
    int w = 64, h = 48;
    GraphCutSegmenter reused = new GraphCutSegmenter(SegmenterParams.DEFAULTS);
    GraphCutSegmenter small =
        new GraphCutSegmenter(SegmenterParams.DEFAULTS.withLambda(120)); // no seed merging
    for (long s = 1; s <= 3; s++) {
      Object[] img = LocalizerTest.redSquare(w, h, 10 + (int) s, 8, 40, 30 + (int) s, s);
      int[] rgb = (int[]) img[1];
      byte[] seeds = seeds(img, w, h);
      GraphCutSegmenter.Segmentation fresh =
          new GraphCutSegmenter(SegmenterParams.DEFAULTS).segment(w, h, rgb, seeds);
      GraphCutSegmenter.Segmentation again = reused.segment(w, h, rgb, seeds);
      assertArrayEquals(fresh.foreground(), again.foreground());
      assertEquals(fresh.flow(), again.flow());
      GraphCutSegmenter.Segmentation lowFresh =
          new GraphCutSegmenter(small.params()).segment(w, h, rgb, seeds);
      GraphCutSegmenter.Segmentation lowAgain = small.segment(w, h, rgb, seeds);
      assertArrayEquals(lowFresh.foreground(), lowAgain.foreground());
      assertEquals(lowFresh.flow(), lowAgain.flow());
    }
  }
}
