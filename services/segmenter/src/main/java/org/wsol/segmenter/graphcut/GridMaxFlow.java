package org.wsol.segmenter.graphcut;

/**
 * Max-flow on the {@link GridGraph}: Boykov–Kolmogorov (PAMI 2004) with two search trees,
 * timestamps and the distance heuristic, as in OpenCV's {@code GCGraph}.
 *
 * <p>Why hand-written: general graph libraries (JGraphT and friends) keep edges as objects and were
 * 17–20× slower on these graphs; OpenCV's implementation is native code we do not want in the
 * service. Nodes reached by neither search tree are reported on the source side (as OpenCV does):
 * at the end the sink tree is exactly the set of nodes that can reach the sink.
 */
public final class GridMaxFlow extends GridGraph {
  private static final byte NONE = 0, SRC = 1, SNK = 2;
  private static final byte TERMINAL = 8, ORPHAN = 9;
  private static final int INF_DIST = Integer.MAX_VALUE;

  private final byte[] tree;
  private final byte[] parent; // direction towards the parent, TERMINAL or ORPHAN
  // Work arrays of maxFlow(), kept so that a reused graph allocates nothing.
  private final int[]
      td; // per node: timestamp at 2p, distance to the terminal at 2p+1 (one cache line)
  private final int[] queue, orphans, path;
  private final boolean[] queued;

  public GridMaxFlow(int width, int height) {
    super(width, height);
    tree = new byte[nodes];
    parent = new byte[nodes];
    td = new int[2 * nodes];
    queue = new int[nodes];
    orphans = new int[nodes];
    path = new int[nodes];
    queued = new boolean[nodes];
  }

  @Override
  protected void clearSearchState() {
    java.util.Arrays.fill(tree, (byte) 0);
    java.util.Arrays.fill(parent, (byte) 0);
    java.util.Arrays.fill(td, 0);
    java.util.Arrays.fill(queued, false);
  }

  @Override
  protected double solve() {
    int count = 0;
    for (int y = 1; y <= height; y++) count = addRoots(y * pw + 1, y * pw + width, count);
    // BK in a method of its own: measured ~10% faster than the same loop inlined here (the JIT
    // compiles the two loops better apart).
    return search(count);
  }

  /**
   * Makes the nodes first..last with terminal capacity left roots of their tree, queued (from
   * queue[count]).
   */
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
   * BK's growth, augmentation and adoption from the active nodes in queue[0..count) until the trees
   * cannot grow; returns the flow it pushed.
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
                tree[q] = SRC;
                parent[q] = (byte) (7 - d);
                td[2 * q] = tsp;
                td[2 * q + 1] = dq;
                if (!queued[q]) {
                  queued[q] = true;
                  queue[tail] = q;
                  tail = tail + 1 == nodes ? 0 : tail + 1;
                  count++;
                }
              } else if (tq == SNK) {
                ef = p;
                ed = d;
                break;
              } else if (td[2 * q] <= tsp && td[2 * q + 1] > dq - 1) {
                parent[q] = (byte) (7 - d);
                td[2 * q] = tsp;
                td[2 * q + 1] = dq;
              }
            }
          }
        } else if (t == SNK) {
          for (int d = 0; d < 8; d++) {
            int q = p + off[d];
            if (rc[8 * q + 7 - d] > 0) {
              byte tq = tree[q];
              if (tq == NONE) {
                tree[q] = SNK;
                parent[q] = (byte) (7 - d);
                td[2 * q] = tsp;
                td[2 * q + 1] = dq;
                if (!queued[q]) {
                  queued[q] = true;
                  queue[tail] = q;
                  tail = tail + 1 == nodes ? 0 : tail + 1;
                  count++;
                }
              } else if (tq == SRC) {
                ef = q;
                ed = 7 - d;
                break;
              } else if (td[2 * q] <= tsp && td[2 * q + 1] > dq - 1) {
                parent[q] = (byte) (7 - d);
                td[2 * q] = tsp;
                td[2 * q + 1] = dq;
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
      while (parent[x] != TERMINAL) {
        int d = parent[x];
        int y = x + off[d];
        bn = Math.min(bn, rc[8 * y + 7 - d]);
        path[ns++] = x << 3 | d;
        x = y;
      }
      bn = Math.min(bn, tr[x]);
      final int sr = x;
      int np = ns;
      x = eg;
      while (parent[x] != TERMINAL) {
        int d = parent[x];
        bn = Math.min(bn, rc[8 * x + d]);
        path[np++] = x << 3 | d;
        x += off[d];
      }
      bn = Math.min(bn, -tr[x]);
      final int kr = x;

      int oh = 0, no = 0; // orphans[oh..no) in order of discovery (FIFO, as in Kolmogorov's code)
      rc[8 * ef + ed] -= bn;
      rc[8 * eg + 7 - ed] += bn;
      for (int k = 0; k < ns; k++) {
        int v = path[k], u = v >>> 3, d = v & 7;
        rc[8 * u + d] += bn;
        if ((rc[8 * (u + off[d]) + 7 - d] -= bn) == 0) {
          parent[u] = ORPHAN;
          orphans[no] = u;
          no = no + 1 == nodes ? 0 : no + 1;
        }
      }
      if ((tr[sr] -= bn) == 0) {
        parent[sr] = ORPHAN;
        orphans[no] = sr;
        no = no + 1 == nodes ? 0 : no + 1;
      }
      for (int k = ns; k < np; k++) {
        int v = path[k], u = v >>> 3, d = v & 7;
        rc[8 * (u + off[d]) + 7 - d] += bn;
        if ((rc[8 * u + d] -= bn) == 0) {
          parent[u] = ORPHAN;
          orphans[no] = u;
          no = no + 1 == nodes ? 0 : no + 1;
        }
      }
      if ((tr[kr] += bn) == 0) {
        parent[kr] = ORPHAN;
        orphans[no] = kr;
        no = no + 1 == nodes ? 0 : no + 1;
      }
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
            if (td[2 * j] == time) {
              dd += td[2 * j + 1];
              break;
            }
            int a = parent[j];
            dd++;
            if (a == TERMINAL) {
              td[2 * j] = time;
              td[2 * j + 1] = 1;
              break;
            }
            if (a == ORPHAN) {
              dd = INF_DIST;
              break;
            }
            j += off[a];
          }
          if (dd < INF_DIST) {
            if (dd < minDist) {
              best = d;
              minDist = dd;
            }
            for (j = q; td[2 * j] != time; j += off[parent[j]]) {
              td[2 * j] = time;
              td[2 * j + 1] = dd--;
            }
          }
        }
        if (best >= 0) {
          parent[o] = (byte) best;
          td[2 * o] = time;
          td[2 * o + 1] = minDist + 1;
        } else {
          tree[o] = NONE;
          for (int d = 0; d < 8; d++) {
            int q = o + off[d];
            if (tree[q] != t) continue;
            if ((t == SRC ? rc[8 * q + 7 - d] > 0 : rc[8 * o + d] > 0) && !queued[q]) {
              queued[q] = true;
              queue[tail] = q;
              tail = tail + 1 == nodes ? 0 : tail + 1;
              count++;
            }
            if (parent[q] == 7 - d) {
              parent[q] = ORPHAN;
              orphans[no] = q;
              no = no + 1 == nodes ? 0 : no + 1;
            }
          }
        }
      }
    }
    return flow;
  }

  @Override
  protected boolean reachesSink(int p) {
    return tree[p] == SNK;
  }
}
