package org.wsol.segmenter.graphcut;

import static org.junit.jupiter.api.Assertions.*;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.wsol.segmenter.graphcut.GridMaxFlowTest.Caps;

/**
 * Property: on any small grid, with capacities drawn from zero, small, large and huge integers (up to 2^40:
 * sums stay exact in a double), both solvers find Dinic's flow value exactly, each reports a cut whose
 * capacity is that value, and the two cuts are the same (the complement of the nodes that reach the sink).
 */
class MaxFlowPropertyTest {

    @Property(tries = 300)
    void solversAgreeWithDinicAndWithEachOther(@ForAll("grids") Caps c) {
        double ref = c.dinic();
        boolean[] bkSide = null;
        for (GridGraph.Solver s : GridGraph.Solver.values()) {
            GridGraph g = c.toGrid(s);
            double flow = g.maxFlow();
            assertEquals(ref, flow, 0, s + ": flow vs Dinic");
            boolean[] side = g.sourceSide();
            assertEquals(flow, c.cutCapacity(side), 0, s + ": cut capacity vs flow");
            if (bkSide == null) bkSide = side;
            else assertArrayEquals(bkSide, side, s + ": cut vs BK's");
        }
    }

    @Provide
    Arbitrary<Caps> grids() {
        return Combinators.combine(Arbitraries.integers().between(1, 12), Arbitraries.integers().between(1, 12))
                .flatAs((w, h) -> {
                    int n = w * h;
                    Arbitrary<double[]> caps = capacity().array(double[].class).ofSize(n);
                    return Combinators.combine(caps, caps, caps.array(double[][].class).ofSize(4))
                            .as((src, snk, edge) -> new Caps(w, h, src, snk, edge));
                });
    }

    /** Zero often (cuts fall apart), small values, and huge ones that only a cut elsewhere can bound. */
    private static Arbitrary<Double> capacity() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, Arbitraries.just(0.0)),
                net.jqwik.api.Tuple.of(5, Arbitraries.integers().between(1, 20).map(Integer::doubleValue)),
                net.jqwik.api.Tuple.of(1, Arbitraries.longs().between(1L << 30, 1L << 40).map(Long::doubleValue)));
    }
}
