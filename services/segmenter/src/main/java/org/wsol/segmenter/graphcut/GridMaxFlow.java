package org.wsol.segmenter.graphcut;

/**
 * Min-cut / max-flow on a W×H grid with 8-neighbourhood: Boykov–Kolmogorov (PAMI 2004) with two
 * search trees, timestamps and the distance heuristic, as in OpenCV's {@code GCGraph}.
 *
 * <p>Why hand-written: general graph libraries (JGraphT and friends) keep edges as objects and were
 * 17–20× slower on these graphs; OpenCV's implementation is native code we do not want in the
 * service. Here the graph is implicit: node {@code p} has 8 residual capacities at
 * {@code rc[8p..8p+7]} and neighbours at fixed index offsets. The grid is padded with a one-node
 * border of dummies whose capacities stay 0, so no bounds checks are needed in the inner loops.
 *
 * Before the trees grow, paths source → p → q → sink between neighbours are saturated in one pass.
 *
 * <p>Usage: set terminal capacities and symmetric edge capacities (all finite or +∞, ≥ 0), call
 * {@link #maxFlow()} once, then query {@link #isSourceSide(int)}; {@link #reset()}, or
 * {@link #setAll} which replaces every capacity, makes the graph reusable for another image of the
 * same size. Nodes are {@code y*width + x}.
 * Nodes reached by neither search tree are reported on the source side (as OpenCV does). That side
 * is the complement of the nodes that can reach the sink in the residual graph, which is the same
 * for every maximum flow, so the cut does not depend on the order in which paths were found.
 */
public final class GridMaxFlow {
    // Directions 0..7: (-1,-1) (0,-1) (1,-1) (-1,0) (1,0) (-1,1) (0,1) (1,1); opposite(d) = 7-d.
    /** Edge from (x,y) to (x+1,y). */
    public static final int RIGHT = 4;
    /** Edge from (x,y) to (x-1,y+1). */
    public static final int DOWN_LEFT = 5;
    /** Edge from (x,y) to (x,y+1). */
    public static final int DOWN = 6;
    /** Edge from (x,y) to (x+1,y+1). */
    public static final int DOWN_RIGHT = 7;

    private static final byte NONE = 0, SRC = 1, SNK = 2;
    private static final byte TERMINAL = 8, ORPHAN = 9;
    private static final int INF_DIST = Integer.MAX_VALUE;

    private final int width, height, pw, nodes;
    private final int[] off = new int[8];
    private final double[] rc;     // residual capacity p -> p+off[d] at 8p+d
    private final double[] tr;     // >0: residual from source, <0: residual to sink
    private final byte[] tree;
    private final byte[] parent;   // direction towards the parent, TERMINAL or ORPHAN
    private final double[] direct; // min(source, sink) per node, pushed straight through
    // Work arrays of maxFlow(), kept so that a reused graph allocates nothing.
    private final int[] td; // per node: timestamp at 2p, distance to the terminal at 2p+1 (one cache line)
    private final int[] queue, orphans, path;
    private final boolean[] queued;
    private boolean solved;

    public GridMaxFlow(int width, int height) {
        if (width < 1 || height < 1) throw new IllegalArgumentException("grid must be at least 1×1: " + width + "×" + height);
        this.width = width;
        this.height = height;
        this.pw = width + 2;
        this.nodes = pw * (height + 2);
        int k = 0;
        for (int dy = -1; dy <= 1; dy++)
            for (int dx = -1; dx <= 1; dx++)
                if (dx != 0 || dy != 0) off[k++] = dy * pw + dx;
        rc = new double[nodes * 8];
        tr = new double[nodes];
        tree = new byte[nodes];
        parent = new byte[nodes];
        direct = new double[nodes];
        td = new int[2 * nodes];
        queue = new int[nodes];
        orphans = new int[nodes];
        path = new int[nodes];
        queued = new boolean[nodes];
    }

    /**
     * Back to a graph of the same size with all capacities 0, ready for new capacities and another
     * {@link #maxFlow()}: lets a caller that cuts many images of one size reuse the arrays.
     */
    public void reset() {
        java.util.Arrays.fill(rc, 0);
        java.util.Arrays.fill(tr, 0);
        java.util.Arrays.fill(direct, 0);
        java.util.Arrays.fill(tree, (byte) 0);
        java.util.Arrays.fill(parent, (byte) 0);
        java.util.Arrays.fill(td, 0);
        java.util.Arrays.fill(queued, false);
        solved = false;
    }

    public int width() { return width; }

    public int height() { return height; }

    private int padded(int node) {
        int y = node / width;
        return (y + 1) * pw + (node - y * width) + 1;
    }

    /** Sets the capacities source→node and node→sink (replacing earlier values). */
    public void setTerminals(int node, double source, double sink) {
        if (!(source >= 0) || !(sink >= 0)) throw new IllegalArgumentException("terminal capacities must be >= 0: " + source + ", " + sink);
        int p = padded(node);
        double m = Math.min(source, sink);
        direct[p] = m; // pushed straight from source to sink
        tr[p] = source - sink;
    }

    /**
     * Sets the symmetric capacity of the edge between {@code node} and its neighbour in direction
     * {@code dir} ({@link #RIGHT}, {@link #DOWN_LEFT}, {@link #DOWN}, {@link #DOWN_RIGHT}).
     * Edges leaving the grid must not be set.
     */
    public void setEdge(int node, int dir, double capacity) {
        if (dir < RIGHT || dir > DOWN_RIGHT) throw new IllegalArgumentException("direction must be RIGHT, DOWN_LEFT, DOWN or DOWN_RIGHT: " + dir);
        if (!(capacity >= 0)) throw new IllegalArgumentException("capacity must be >= 0: " + capacity);
        int x = node % width, y = node / width;
        int nx = x + (dir == RIGHT || dir == DOWN_RIGHT ? 1 : dir == DOWN_LEFT ? -1 : 0);
        int ny = y + (dir == RIGHT ? 0 : 1);
        if (nx < 0 || nx >= width || ny >= height) throw new IllegalArgumentException("edge leaves the grid at (" + x + "," + y + ") dir " + dir);
        int p = padded(node);
        rc[8 * p + dir] = capacity;
        rc[8 * (p + off[dir]) + 7 - dir] = capacity;
    }

    /**
     * All capacities at once (what {@link #setTerminals} and {@link #setEdge} do node by node, without
     * their per-call checks): row-major arrays of {@code width×height}; {@code right[i]} is the edge
     * from node i to its right neighbour, and so on; entries for edges that would leave the grid are
     * ignored. Every capacity is replaced, so this also readies a solved graph for another
     * {@link #maxFlow()} without {@link #reset()}.
     */
    public void setAll(double[] source, double[] sink, double[] right, double[] downLeft, double[] down, double[] downRight) {
        int n = width * height;
        if (source.length != n || sink.length != n || right.length != n || downLeft.length != n || down.length != n || downRight.length != n)
            throw new IllegalArgumentException("capacity arrays must have " + n + " entries");
        final double[] rc = this.rc, tr = this.tr, direct = this.direct;
        final int oR = off[RIGHT], oDL = off[DOWN_LEFT], oD = off[DOWN], oDR = off[DOWN_RIGHT];
        boolean bad = false;
        for (int y = 0, i = 0; y < height; y++) {
            boolean lastRow = y + 1 == height;
            for (int x = 0, p = (y + 1) * pw + 1; x < width; x++, i++, p++) {
                double a = source[i], b = sink[i];
                bad |= !(a >= 0) || !(b >= 0);
                direct[p] = Math.min(a, b);
                tr[p] = a - b;
                if (x + 1 < width) {
                    double c = right[i];
                    bad |= !(c >= 0);
                    rc[8 * p + RIGHT] = c; rc[8 * (p + oR) + 7 - RIGHT] = c;
                }
                if (!lastRow) {
                    if (x > 0) {
                        double c = downLeft[i];
                        bad |= !(c >= 0);
                        rc[8 * p + DOWN_LEFT] = c; rc[8 * (p + oDL) + 7 - DOWN_LEFT] = c;
                    }
                    double c = down[i];
                    bad |= !(c >= 0);
                    rc[8 * p + DOWN] = c; rc[8 * (p + oD) + 7 - DOWN] = c;
                    if (x + 1 < width) {
                        c = downRight[i];
                        bad |= !(c >= 0);
                        rc[8 * p + DOWN_RIGHT] = c; rc[8 * (p + oDR) + 7 - DOWN_RIGHT] = c;
                    }
                }
            }
        }
        if (bad) throw new IllegalArgumentException("capacities must be >= 0 (and not NaN)");
        java.util.Arrays.fill(tree, (byte) 0);
        java.util.Arrays.fill(parent, (byte) 0);
        java.util.Arrays.fill(td, 0);
        java.util.Arrays.fill(queued, false);
        solved = false;
    }

    /** Runs the algorithm once; returns the maximum flow value (equal to the minimum cut). */
    public double maxFlow() {
        if (solved) throw new IllegalStateException("maxFlow() already ran on this graph");
        solved = true;
        final int[] off = this.off;
        final double[] rc = this.rc, tr = this.tr;
        final byte[] tree = this.tree, parent = this.parent;
        double flow = 0;
        for (double m : direct) flow += m;

        // Paths s -> p -> q -> t between neighbours first, in one cheap pass with no trees: on
        // GrabCut graphs they carry much of the flow, and each BK augmentation costs a tree repair.
        for (int p = 0; p < nodes; p++) {
            if (!(tr[p] > 0)) continue;
            for (int d = 0; d < 8; d++) {
                int q = p + off[d];
                double c = rc[8 * p + d];
                if (tr[q] < 0 && c > 0) {
                    double f = Math.min(Math.min(tr[p], -tr[q]), c);
                    tr[p] -= f; tr[q] += f;
                    rc[8 * p + d] = c - f; rc[8 * q + 7 - d] += f;
                    flow += f;
                    if (tr[p] == 0) break;
                }
            }
        }

        int count = 0;
        for (int y = 1; y <= height; y++) count = addRoots(y * pw + 1, y * pw + width, count);
        // BK in a method of its own: measured ~10% faster than the same loop inlined here (the JIT
        // compiles the two loops better apart).
        return flow + search(count);
    }

    /** Makes the nodes first..last with terminal capacity left roots of their tree, queued (from queue[count]). */
    private int addRoots(int first, int last, int count) {
        final double[] tr = this.tr;
        for (int p = first; p <= last; p++) {
            if (tr[p] > 0) tree[p] = SRC;
            else if (tr[p] < 0) tree[p] = SNK;
            else continue;
            parent[p] = TERMINAL;
            td[2 * p + 1] = 1;
            queue[count++] = p;
            queued[p] = true;
        }
        return count;
    }

    /**
     * BK's growth, augmentation and adoption from the active nodes in queue[0..count) until the
     * trees cannot grow; returns the flow it pushed.
     */
    private double search(int count) {
        final int[] off = this.off;
        final double[] rc = this.rc, tr = this.tr;
        final byte[] tree = this.tree, parent = this.parent;
        final int[] td = this.td, queue = this.queue, orphans = this.orphans, path = this.path;
        final boolean[] queued = this.queued;
        int head = 0, tail = count == nodes ? 0 : count, time = 0;
        double flow = 0;
        while (true) {
            // Growth: extend the trees from active nodes until they touch.
            int ef = -1, ed = -1;
            while (count > 0) {
                final int p = queue[head];
                final byte t = tree[p];
                final int tsp = td[2 * p], dq = td[2 * p + 1] + 1; // a child's timestamp and distance
                if (t == SRC) {
                    for (int d = 0; d < 8; d++) {
                        if (rc[8 * p + d] > 0) {
                            int q = p + off[d];
                            byte tq = tree[q];
                            if (tq == NONE) {
                                tree[q] = SRC; parent[q] = (byte) (7 - d); td[2 * q] = tsp; td[2 * q + 1] = dq;
                                if (!queued[q]) { queued[q] = true; queue[tail] = q; tail = tail + 1 == nodes ? 0 : tail + 1; count++; }
                            } else if (tq == SNK) {
                                ef = p; ed = d; break;
                            } else if (td[2 * q] <= tsp && td[2 * q + 1] > dq - 1) {
                                parent[q] = (byte) (7 - d); td[2 * q] = tsp; td[2 * q + 1] = dq;
                            }
                        }
                    }
                } else if (t == SNK) {
                    for (int d = 0; d < 8; d++) {
                        int q = p + off[d];
                        if (rc[8 * q + 7 - d] > 0) {
                            byte tq = tree[q];
                            if (tq == NONE) {
                                tree[q] = SNK; parent[q] = (byte) (7 - d); td[2 * q] = tsp; td[2 * q + 1] = dq;
                                if (!queued[q]) { queued[q] = true; queue[tail] = q; tail = tail + 1 == nodes ? 0 : tail + 1; count++; }
                            } else if (tq == SRC) {
                                ef = q; ed = 7 - d; break;
                            } else if (td[2 * q] <= tsp && td[2 * q + 1] > dq - 1) {
                                parent[q] = (byte) (7 - d); td[2 * q] = tsp; td[2 * q + 1] = dq;
                            }
                        }
                    }
                }
                if (ef >= 0) break; // p stays at the front: it may have more paths
                queued[p] = false;
                head = head + 1 == nodes ? 0 : head + 1;
                count--;
            }
            if (ef < 0) break;
            time++;

            // Augmentation along source-root .. ef -> eg .. sink-root. The first walks find the
            // bottleneck and note the path (node << 3 | direction to its parent) so that the update
            // loops need not chase the parents again.
            final int eg = ef + off[ed];
            double bn = rc[8 * ef + ed];
            int x = ef, ns = 0;
            while (parent[x] != TERMINAL) { int d = parent[x]; int y = x + off[d]; bn = Math.min(bn, rc[8 * y + 7 - d]); path[ns++] = x << 3 | d; x = y; }
            bn = Math.min(bn, tr[x]);
            final int sr = x;
            int np = ns;
            x = eg;
            while (parent[x] != TERMINAL) { int d = parent[x]; bn = Math.min(bn, rc[8 * x + d]); path[np++] = x << 3 | d; x += off[d]; }
            bn = Math.min(bn, -tr[x]);
            final int kr = x;

            int oh = 0, no = 0; // orphans[oh..no) in order of discovery (FIFO, as in Kolmogorov's code)
            rc[8 * ef + ed] -= bn;
            rc[8 * eg + 7 - ed] += bn;
            for (int k = 0; k < ns; k++) {
                int v = path[k], u = v >>> 3, d = v & 7;
                rc[8 * u + d] += bn;
                if ((rc[8 * (u + off[d]) + 7 - d] -= bn) == 0) { parent[u] = ORPHAN; orphans[no] = u; no = no + 1 == nodes ? 0 : no + 1; }
            }
            if ((tr[sr] -= bn) == 0) { parent[sr] = ORPHAN; orphans[no] = sr; no = no + 1 == nodes ? 0 : no + 1; }
            for (int k = ns; k < np; k++) {
                int v = path[k], u = v >>> 3, d = v & 7;
                rc[8 * (u + off[d]) + 7 - d] += bn;
                if ((rc[8 * u + d] -= bn) == 0) { parent[u] = ORPHAN; orphans[no] = u; no = no + 1 == nodes ? 0 : no + 1; }
            }
            if ((tr[kr] += bn) == 0) { parent[kr] = ORPHAN; orphans[no] = kr; no = no + 1 == nodes ? 0 : no + 1; }
            flow += bn;

            // Adoption: find new parents for orphans, or free them.
            while (oh != no) {
                final int o = orphans[oh];
                oh = oh + 1 == nodes ? 0 : oh + 1;
                final byte t = tree[o];
                int best = -1, minDist = INF_DIST;
                for (int d = 0; d < 8; d++) {
                    int q = o + off[d];
                    if (tree[q] != t) continue;
                    if (!(t == SRC ? rc[8 * q + 7 - d] > 0 : rc[8 * o + d] > 0)) continue;
                    int j = q, dd = 0;
                    while (true) {
                        if (td[2 * j] == time) { dd += td[2 * j + 1]; break; }
                        int a = parent[j];
                        dd++;
                        if (a == TERMINAL) { td[2 * j] = time; td[2 * j + 1] = 1; break; }
                        if (a == ORPHAN) { dd = INF_DIST; break; }
                        j += off[a];
                    }
                    if (dd < INF_DIST) {
                        if (dd < minDist) { best = d; minDist = dd; }
                        for (j = q; td[2 * j] != time; j += off[parent[j]]) { td[2 * j] = time; td[2 * j + 1] = dd--; }
                    }
                }
                if (best >= 0) {
                    parent[o] = (byte) best; td[2 * o] = time; td[2 * o + 1] = minDist + 1;
                } else {
                    tree[o] = NONE;
                    for (int d = 0; d < 8; d++) {
                        int q = o + off[d];
                        if (tree[q] != t) continue;
                        if ((t == SRC ? rc[8 * q + 7 - d] > 0 : rc[8 * o + d] > 0) && !queued[q]) {
                            queued[q] = true; queue[tail] = q; tail = tail + 1 == nodes ? 0 : tail + 1; count++;
                        }
                        if (parent[q] == 7 - d) { parent[q] = ORPHAN; orphans[no] = q; no = no + 1 == nodes ? 0 : no + 1; }
                    }
                }
            }
        }
        return flow;
    }

    /** After {@link #maxFlow()}: whether the node is on the source side of the minimum cut. */
    public boolean isSourceSide(int node) {
        if (!solved) throw new IllegalStateException("call maxFlow() first");
        return tree[padded(node)] != SNK;
    }

    /** After {@link #maxFlow()}: source-side flags for all nodes, row-major. */
    public boolean[] sourceSide() {
        boolean[] out = new boolean[width * height];
        for (int y = 0, i = 0; y < height; y++) {
            int p = (y + 1) * pw + 1;
            for (int x = 0; x < width; x++, i++, p++) out[i] = tree[p] != SNK;
        }
        return out;
    }

    @Override
    public String toString() {
        return "GridMaxFlow[" + width + "×" + height + ", solved=" + solved + "]";
    }
}
