package org.wsol.segmenter.graphcut;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.wsol.segmenter.graphcut.GridMaxFlowTest.Caps;

/**
 * IBFS against Dinic (the test oracle) and Boykov–Kolmogorov: flow values, and the cut each
 * reports.
 */
class GridIbfsTest {

  static void assertAgrees(Caps c, double relTol) {
    GridGraph ibfs = c.toGrid(GridGraph.Solver.IBFS), bk = c.toGrid(GridGraph.Solver.BK);
    double flow = ibfs.maxFlow(), ref = c.dinic(), bkFlow = bk.maxFlow();
    double tol = relTol * Math.max(1, Math.abs(ref));
    String where = c.w() + "×" + c.h();
    assertEquals(ref, flow, tol, "flow vs Dinic on " + where);
    assertEquals(bkFlow, flow, tol, "flow vs BK on " + where);
    boolean[] side = ibfs.sourceSide();
    assertEquals(flow, c.cutCapacity(side), tol, "cut capacity vs flow on " + where);
    // Both report the complement of the nodes that can reach the sink: one cut, whatever the flow.
    assertArrayEquals(bk.sourceSide(), side, "cut vs BK's on " + where);
  }

  @ParameterizedTest
  @CsvSource({"1,1", "1,9", "9,1", "2,2", "3,5", "5,3", "17,11", "40,30", "64,64", "128,96"})
  void randomIntegerGridsMatchDinicAndBk(int w, int h) {
    for (long seed = 0; seed < 8; seed++)
      assertAgrees(Caps.random(w, h, seed * 31 + w * 7 + h, true), 0);
  }

  @ParameterizedTest
  @CsvSource({"1,1", "1,13", "13,1", "4,4", "23,19", "80,60"})
  void randomRealGridsMatchDinicAndBk(int w, int h) {
    for (long seed = 0; seed < 8; seed++)
      assertAgrees(Caps.random(w, h, 1000 + seed * 17 + w + h, false), 1e-9);
  }

  /**
   * Real GrabCut graphs: three of the 224×224 photos of {@link OpenCvAgreementTest} (Dinic is slow
   * on them) with their saliency seeds, the full graph (seeds with capacity λ, colour models from
   * the seeds), in the paper's and the rectangle's seeding.
   */
  @Test
  void realImageGraphsMatchDinicAndBk() throws Exception {
    OpenCvAgreementTest.load();
    int w = OpenCvAgreementTest.W, h = OpenCvAgreementTest.H, n = w * h;
    for (OpenCvAgreementTest.Fixture f : OpenCvAgreementTest.FIXTURES.subList(0, 3)) {
      PixelBox rect =
          MassBoxSeeds.widen(
              MassBoxSeeds.massBox(f.map(), w, h, MassBoxSeeds.TAIL), w, h, MassBoxSeeds.MARGIN);
      byte[][] seedings = {f.seeds(), MassBoxSeeds.seeds(f.map(), w, h, rect, MassBoxSeeds.CORE)};
      for (byte[] seeds : seedings) {
        SegmenterParams p = SegmenterParams.DEFAULTS;
        GraphCutSegmenter.Models m = new GraphCutSegmenter(p).fitSeedModels(f.rgb(), seeds);
        double[] src = new double[n], snk = new double[n];
        double[][] edge = new double[4][n];
        GraphCutSegmenter.terminalWeights(f.rgb(), seeds, m, p.lambda(), src, snk);
        GraphCutSegmenter.pairwiseWeights(
            w, h, f.rgb(), p.gamma(), edge, new double[3 * 255 * 255 + 1]);
        assertAgrees(new Caps(w, h, src, snk, edge), 1e-9);
      }
    }
  }

  @Test
  void chainFlowIsBottleneck() {
    GridGraph g = GridGraph.Solver.IBFS.create(3, 1);
    g.setTerminals(0, 5, 0);
    g.setTerminals(2, 0, 7);
    g.setEdge(0, GridGraph.RIGHT, 3);
    g.setEdge(1, GridGraph.RIGHT, 2);
    assertEquals(2, g.maxFlow());
    assertTrue(g.isSourceSide(0));
    assertTrue(g.isSourceSide(1));
    assertFalse(g.isSourceSide(2));
  }
}
