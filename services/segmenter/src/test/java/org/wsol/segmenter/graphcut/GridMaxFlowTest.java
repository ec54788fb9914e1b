package org.wsol.segmenter.graphcut;

import static org.junit.jupiter.api.Assertions.*;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GridMaxFlowTest {

  /** Plain capacities of a grid graph: terminals per node, 4 forward edge arrays (0 outside). */
  record Caps(int w, int h, double[] src, double[] snk, double[][] edge) {
    static final int[] DIRS = {
      GridMaxFlow.RIGHT, GridMaxFlow.DOWN_LEFT, GridMaxFlow.DOWN, GridMaxFlow.DOWN_RIGHT
    };
    static final int[] DX = {1, -1, 0, 1}, DY = {0, 1, 1, 1};

    static boolean inside(int w, int h, int x, int y, int k) {
      int nx = x + DX[k], ny = y + DY[k];
      return nx >= 0 && nx < w && ny < h;
    }

    GridMaxFlow toGrid() {
      return (GridMaxFlow) toGrid(GridGraph.Solver.BK);
    }

    GridGraph toGrid(GridGraph.Solver solver) {
      GridGraph g = solver.create(w, h);
      for (int y = 0, i = 0; y < h; y++)
        for (int x = 0; x < w; x++, i++) {
          g.setTerminals(i, src[i], snk[i]);
          for (int k = 0; k < 4; k++) if (inside(w, h, x, y, k)) g.setEdge(i, DIRS[k], edge[k][i]);
        }
      return g;
    }

    double dinic() {
      return solvedDinic().maxFlow;
    }

    /**
     * The source side of the cut every solver must report, from Dinic's residual graph: the nodes
     * that cannot reach the sink.
     */
    boolean[] dinicSourceSide() {
      int n = w * h;
      boolean[] reaches = solvedDinic().dinic.reachesSink(n + 1);
      boolean[] side = new boolean[n];
      for (int i = 0; i < n; i++) side[i] = !reaches[i];
      return side;
    }

    private record Solved(Dinic dinic, double maxFlow) {}

    private Solved solvedDinic() {
      int n = w * h, s = n, t = n + 1;
      Dinic d = new Dinic(n + 2);
      for (int y = 0, i = 0; y < h; y++)
        for (int x = 0; x < w; x++, i++) {
          if (src[i] > 0) d.addEdge(s, i, src[i], 0);
          if (snk[i] > 0) d.addEdge(i, t, snk[i], 0);
          for (int k = 0; k < 4; k++)
            if (inside(w, h, x, y, k)) {
              int j = (y + DY[k]) * w + x + DX[k];
              d.addEdge(i, j, edge[k][i], edge[k][i]);
            }
        }
      double[] out = new double[1];
      // Dinic's DFS is recursive: give it a deep stack for photo-sized graphs.
      Thread th = new Thread(null, () -> out[0] = d.maxFlow(s, t), "dinic", 1L << 29);
      th.start();
      try {
        th.join();
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
      return new Solved(d, out[0]);
    }

    /** Capacity of the s-t cut given by the source-side flags. */
    double cutCapacity(boolean[] sourceSide) {
      double c = 0;
      for (int y = 0, i = 0; y < h; y++)
        for (int x = 0; x < w; x++, i++) {
          c += sourceSide[i] ? snk[i] : src[i];
          for (int k = 0; k < 4; k++)
            if (inside(w, h, x, y, k)) {
              int j = (y + DY[k]) * w + x + DX[k];
              if (sourceSide[i] != sourceSide[j]) c += edge[k][i];
            }
        }
      return c;
    }

    static Caps random(int w, int h, long seed, boolean integer) {
      SplittableRandom r = new SplittableRandom(seed);
      int n = w * h;
      double[] src = new double[n], snk = new double[n];
      double[][] e = new double[4][n];
      for (int i = 0; i < n; i++) {
        src[i] = cap(r, integer, 0.4);
        snk[i] = cap(r, integer, 0.4);
        for (int k = 0; k < 4; k++) e[k][i] = cap(r, integer, 0.25);
      }
      return new Caps(w, h, src, snk, e);
    }

    private static double cap(SplittableRandom r, boolean integer, double zeroProb) {
      if (r.nextDouble() < zeroProb) return 0;
      return integer ? r.nextInt(1, 20) : r.nextDouble() * 10;
    }
  }

  static void assertMatchesReference(Caps c, double relTol) {
    GridMaxFlow g = c.toGrid();
    double flow = g.maxFlow();
    double ref = c.dinic();
    double tol = relTol * Math.max(1, Math.abs(ref));
    assertEquals(ref, flow, tol, "flow vs Dinic on " + c.w + "×" + c.h);
    assertEquals(
        flow, c.cutCapacity(g.sourceSide()), tol, "cut capacity vs flow on " + c.w + "×" + c.h);
  }

  @ParameterizedTest
  @CsvSource({"1,1", "1,9", "9,1", "2,2", "3,5", "5,3", "17,11", "40,30", "64,64", "128,96"})
  void randomIntegerGridsMatchDinic(int w, int h) {
    for (long seed = 0; seed < 8; seed++)
      assertMatchesReference(Caps.random(w, h, seed * 31 + w * 7 + h, true), 0);
  }

  @ParameterizedTest
  @CsvSource({"1,1", "1,13", "13,1", "4,4", "23,19", "80,60"})
  void randomRealGridsMatchDinic(int w, int h) {
    for (long seed = 0; seed < 8; seed++)
      assertMatchesReference(Caps.random(w, h, 1000 + seed * 17 + w + h, false), 1e-9);
  }

  /**
   * Graphs shaped like a GrabCut rectangle: small unaries of both kinds inside, strong links with a
   * few weak ones (edges), large sink capacity on the border (the merged background seeds). Here
   * flow must travel far, which is what the sweeps before the search move: flow and cut must still
   * be Dinic's exactly (integer capacities, so no rounding).
   */
  @ParameterizedTest
  @CsvSource({"40,30", "75,50", "1,60", "60,1"})
  void rectangleShapedGridsGiveDinicsFlowAndCut(int w, int h) {
    for (long seed = 0; seed < 6; seed++) {
      SplittableRandom r = new SplittableRandom(seed * 101 + w * 3 + h);
      int n = w * h;
      double[] src = new double[n], snk = new double[n];
      double[][] e = new double[4][n];
      for (int y = 0, i = 0; y < h; y++)
        for (int x = 0; x < w; x++, i++) {
          int u = r.nextInt(11) - 5;
          src[i] = Math.max(u, 0);
          snk[i] = Math.max(-u, 0) + (x == 0 || y == 0 || x == w - 1 || y == h - 1 ? 300 : 0);
          for (int k = 0; k < 4; k++)
            e[k][i] = r.nextInt(10) == 0 ? r.nextInt(3) : 20 + r.nextInt(31);
        }
      Caps c = new Caps(w, h, src, snk, e);
      for (GridGraph.Solver solver : GridGraph.Solver.values()) {
        GridGraph g = c.toGrid(solver);
        assertEquals(c.dinic(), g.maxFlow(), 0, solver + " flow, seed " + seed);
        assertArrayEquals(c.dinicSourceSide(), g.sourceSide(), solver + " cut, seed " + seed);
      }
    }
  }

  /**
   * A one-pixel staircase of ten steps sideways and ten up or down, from a source pixel in one
   * corner to a sink pixel in the opposite one: flow that must travel into one quadrant. The sweep
   * in that quadrant's raster order carries it the whole way before any search (with the down-right
   * and up-left orders alone, up-right and down-left flow moved one leg a pass and none reached the
   * sink), and the solvers then agree with Dinic's.
   */
  @ParameterizedTest
  @CsvSource({"1,-1", "-1,1", "1,1", "-1,-1"})
  void sweepsCarryFlowAlongAStaircaseIntoEachQuadrant(int dx, int dy) {
    int steps = 10, w = steps + 1, h = steps + 1;
    double[] src = new double[w * h], snk = new double[w * h];
    double[][] e = new double[4][w * h];
    int x = dx > 0 ? 0 : w - 1, y = dy > 0 ? 0 : h - 1;
    src[y * w + x] = 5;
    for (int s = 0; s < steps; s++) {
      e[0][y * w + Math.min(x, x + dx)] = 7; // right, from the left end of the step
      x += dx;
      e[2][Math.min(y, y + dy) * w + x] = 7; // down, from the upper end of the step
      y += dy;
    }
    snk[y * w + x] = 5;
    Caps c = new Caps(w, h, src, snk, e);
    assertEquals(5, c.toGrid().sweeps(), 0, "flow the sweeps alone carried to the sink");
    for (GridGraph.Solver solver : GridGraph.Solver.values()) {
      GridGraph g = c.toGrid(solver);
      assertEquals(5, g.maxFlow(), 0, solver + " flow");
      assertArrayEquals(c.dinicSourceSide(), g.sourceSide(), solver + " cut");
    }
  }

  @Test
  void allZeroCapacitiesGiveZeroFlowAndEverythingOnSourceSide() {
    Caps c = new Caps(6, 4, new double[24], new double[24], new double[4][24]);
    GridMaxFlow g = c.toGrid();
    assertEquals(0, g.maxFlow());
    for (boolean b : g.sourceSide()) assertTrue(b);
  }

  @Test
  void chainFlowIsBottleneck() {
    // 1×3 chain: source 5 at the left, sink 7 at the right, links 3 and 2.
    GridMaxFlow g = new GridMaxFlow(3, 1);
    g.setTerminals(0, 5, 0);
    g.setTerminals(2, 0, 7);
    g.setEdge(0, GridMaxFlow.RIGHT, 3);
    g.setEdge(1, GridMaxFlow.RIGHT, 2);
    assertEquals(2, g.maxFlow());
    assertTrue(g.isSourceSide(0));
    assertTrue(g.isSourceSide(1));
    assertFalse(g.isSourceSide(2));
  }

  @Test
  void infiniteTerminalsAreHardConstraints() {
    GridMaxFlow g = new GridMaxFlow(2, 1);
    g.setTerminals(0, Double.POSITIVE_INFINITY, 0);
    g.setTerminals(1, 0, Double.POSITIVE_INFINITY);
    g.setEdge(0, GridMaxFlow.RIGHT, 4.5);
    assertEquals(4.5, g.maxFlow());
    assertTrue(g.isSourceSide(0));
    assertFalse(g.isSourceSide(1));
  }

  @Test
  void rejectsBadInput() {
    GridMaxFlow g = new GridMaxFlow(3, 3);
    assertThrows(IllegalArgumentException.class, () -> g.setTerminals(0, -1, 0));
    assertThrows(IllegalArgumentException.class, () -> g.setEdge(0, GridMaxFlow.DOWN_LEFT, 1));
    assertThrows(IllegalArgumentException.class, () -> g.setEdge(2, GridMaxFlow.RIGHT, 1));
    assertThrows(IllegalArgumentException.class, () -> g.setEdge(0, GridMaxFlow.RIGHT, Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> new GridMaxFlow(0, 3));
  }
}
