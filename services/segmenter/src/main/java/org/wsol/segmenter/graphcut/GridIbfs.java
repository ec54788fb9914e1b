package org.wsol.segmenter.graphcut;

/**
 * Max-flow on the {@link GridGraph} by incremental breadth-first search (IBFS: Goldberg, Hed,
 * Kaplan, Tarjan, Werneck, ESA 2011; the variant without excesses, written from the paper's
 * description).
 *
 * <p>Like Boykov–Kolmogorov it grows a source tree and a sink tree and augments where they touch,
 * but the trees are breadth-first: every tree node carries its exact distance to its terminal
 * ({@code label}, > 0 in the source tree, < 0 in the sink tree), the trees grow one whole level at
 * a time, and an orphan is re-attached by its label alone: first to a neighbour one level closer to
 * the terminal (scanning on from the arc it last used), else relabelled onto its lowest neighbour
 * after its children were orphaned, else freed. Orphans are processed level by level. BK instead
 * walks from each candidate parent to the root to check it still reaches the terminal; on GrabCut
 * graphs those walks were a third of its time.
 *
 * <p>The grid's neighbours are implicit (no arc lists, no child lists: a node's children are the
 * neighbours whose parent direction points at it). The search ends when the sink tree cannot grow;
 * it is then exactly the set of nodes that can reach the sink.
 */
public final class GridIbfs extends GridGraph {
  private static final byte ROOT = 8, NONE = 9; // parent codes besides the directions 0..7

  private final int[] label; // > 0: source tree, distance to the source; < 0: sink tree; 0: free
  private final byte[] parent; // direction towards the parent, ROOT or NONE (free or orphan)
  private final byte[] cur; // where the search for a parent one level closer resumes
  private final int[] stampS, stampT; // the level at which a node was last put on a next-level list
  private int[] scan,
      nextS,
      nextT; // nodes of the level being scanned; the next levels of each tree
  private int scanLen, nextSLen, nextTLen;
  private final int[] bucket, nextOrphan; // orphans by level: singly linked lists
  private int maxBucket;
  private int topS, topT; // the levels (distances) the trees have reached

  public GridIbfs(int width, int height) {
    super(width, height);
    label = new int[nodes];
    parent = new byte[nodes];
    cur = new byte[nodes];
    stampS = new int[nodes];
    stampT = new int[nodes];
    scan = new int[nodes];
    nextS = new int[nodes];
    nextT = new int[nodes];
    bucket = new int[nodes + 2];
    nextOrphan = new int[nodes];
    java.util.Arrays.fill(bucket, -1);
  }

  @Override
  protected void clearSearchState() {
    java.util.Arrays.fill(label, 0);
    java.util.Arrays.fill(parent, NONE);
    java.util.Arrays.fill(stampS, 0);
    java.util.Arrays.fill(stampT, 0);
  }

  @Override
  protected boolean reachesSink(int p) {
    return label[p] < 0;
  }

  @Override
  protected double solve() {
    final double[] tr = this.tr;
    nextSLen = nextTLen = 0;
    topS = topT = 1;
    for (int y = 1; y <= height; y++) {
      for (int p = y * pw + 1, last = y * pw + width; p <= last; p++) {
        if (tr[p] > 0) {
          label[p] = 1;
          parent[p] = ROOT;
          stampS[p] = 1;
          nextS[nextSLen++] = p;
        } else if (tr[p] < 0) {
          label[p] = -1;
          parent[p] = ROOT;
          stampT[p] = 1;
          nextT[nextTLen++] = p;
        }
      }
    }
    double flow = 0;
    boolean growS = true;
    while (nextTLen > 0) {
      if (growS && nextSLen > 0) {
        int[] t = scan;
        scan = nextS;
        nextS = t;
        scanLen = nextSLen;
        nextSLen = 0;
        topS++;
        flow += growSource();
      } else {
        int[] t = scan;
        scan = nextT;
        nextT = t;
        scanLen = nextTLen;
        nextTLen = 0;
        topT++;
        flow += growSink();
      }
      // Alternate while both trees grow; once the source tree is closed the flow is maximal, and
      // the sink tree grows on until it holds every node that can reach the sink.
      growS = !growS;
    }
    return flow;
  }

  private void addNextS(int p) {
    if (stampS[p] != topS) {
      stampS[p] = topS;
      nextS[nextSLen++] = p;
    }
  }

  private void addNextT(int p) {
    if (stampT[p] != topT) {
      stampT[p] = topT;
      nextT[nextTLen++] = p;
    }
  }

  /**
   * Scans the source tree's level topS-1: attaches free neighbours at topS, augments into the sink
   * tree.
   */
  private double growSource() {
    final int[] off = this.off, label = this.label, scan = this.scan;
    final double[] rc = this.rc;
    final byte[] parent = this.parent, cur = this.cur;
    final int level = topS - 1, top = topS;
    double flow = 0;
    for (int i = 0, n = scanLen; i < n; i++) {
      final int x = scan[i];
      if (label[x] != level) continue; // relabelled or freed since it was listed
      for (int d = 0; d < 8; d++) {
        if (!(rc[8 * x + d] > 0)) continue;
        int y = x + off[d];
        int ly = label[y];
        if (ly == 0) {
          label[y] = top;
          parent[y] = (byte) (7 - d);
          cur[y] = 0;
          addNextS(y);
        } else if (ly < 0) {
          flow += augment(x, d);
          if (label[x] != level) break;
          if (rc[8 * x + d] > 0) d--; // the arc may lead into the sink tree again
        }
      }
    }
    return flow;
  }

  /**
   * Scans the sink tree's level topT-1: attaches free neighbours at topT, augments from the source
   * tree.
   */
  private double growSink() {
    final int[] off = this.off, label = this.label, scan = this.scan;
    final double[] rc = this.rc;
    final byte[] parent = this.parent, cur = this.cur;
    final int level = -(topT - 1), top = -topT;
    double flow = 0;
    for (int i = 0, n = scanLen; i < n; i++) {
      final int x = scan[i];
      if (label[x] != level) continue;
      for (int d = 0; d < 8; d++) {
        int y = x + off[d];
        if (!(rc[8 * y + 7 - d] > 0)) continue;
        int ly = label[y];
        if (ly == 0) {
          label[y] = top;
          parent[y] = (byte) (7 - d);
          cur[y] = 0;
          addNextT(y);
        } else if (ly > 0) {
          flow += augment(y, 7 - d);
          if (label[x] != level) break;
          if (rc[8 * y + 7 - d] > 0) d--;
        }
      }
    }
    return flow;
  }

  /**
   * Pushes the bottleneck along source-root .. s -> s+off[d] .. sink-root, then re-attaches the
   * orphans.
   */
  private double augment(int s, int d) {
    final int[] off = this.off;
    final double[] rc = this.rc, tr = this.tr;
    final byte[] parent = this.parent;
    final int t = s + off[d];
    double bn = rc[8 * s + d];
    int x = s;
    while (parent[x] != ROOT) {
      int pd = parent[x];
      int y = x + off[pd];
      bn = Math.min(bn, rc[8 * y + 7 - pd]);
      x = y;
    }
    bn = Math.min(bn, tr[x]);
    x = t;
    while (parent[x] != ROOT) {
      int pd = parent[x];
      bn = Math.min(bn, rc[8 * x + pd]);
      x += off[pd];
    }
    bn = Math.min(bn, -tr[x]);

    rc[8 * s + d] -= bn;
    rc[8 * t + 7 - d] += bn;
    // Sink side first, then its orphans; then the source side.
    int minLevel = Integer.MAX_VALUE;
    x = t;
    while (parent[x] != ROOT) {
      int pd = parent[x], y = x + off[pd];
      rc[8 * y + 7 - pd] += bn;
      if ((rc[8 * x + pd] -= bn) == 0) {
        minLevel = Math.min(minLevel, -label[x]);
        addOrphan(x, -label[x]);
      }
      x = y;
    }
    if ((tr[x] += bn) == 0) {
      minLevel = Math.min(minLevel, -label[x]);
      addOrphan(x, -label[x]);
    }
    if (minLevel != Integer.MAX_VALUE) adoptSink(minLevel);

    minLevel = Integer.MAX_VALUE;
    x = s;
    while (parent[x] != ROOT) {
      int pd = parent[x], y = x + off[pd];
      rc[8 * x + pd] += bn;
      if ((rc[8 * y + 7 - pd] -= bn) == 0) {
        minLevel = Math.min(minLevel, label[x]);
        addOrphan(x, label[x]);
      }
      x = y;
    }
    if ((tr[x] -= bn) == 0) {
      minLevel = Math.min(minLevel, label[x]);
      addOrphan(x, label[x]);
    }
    if (minLevel != Integer.MAX_VALUE) adoptSource(minLevel);
    return bn;
  }

  private void addOrphan(int x, int level) {
    parent[x] = NONE;
    nextOrphan[x] = bucket[level];
    bucket[level] = x;
    if (level > maxBucket) maxBucket = level;
  }

  /**
   * Re-attaches or frees the source tree's orphans, lowest level first (children land one level
   * up).
   */
  private void adoptSource(int fromLevel) {
    final int[] off = this.off,
        label = this.label,
        bucket = this.bucket,
        nextOrphan = this.nextOrphan;
    final double[] rc = this.rc;
    final byte[] parent = this.parent, cur = this.cur;
    final int top = topS;
    for (int level = fromLevel; level <= maxBucket; level++) {
      int x;
      while ((x = bucket[level]) >= 0) {
        bucket[level] = nextOrphan[x];
        // A parent one level closer, from the arc last used on (arcs before it cannot be one).
        int found = -1;
        if (level > 1) {
          for (int d = cur[x]; d < 8; d++) {
            int y = x + off[d];
            if (label[y] == level - 1 && rc[8 * y + 7 - d] > 0) {
              found = d;
              break;
            }
          }
        }
        if (found >= 0) {
          parent[x] = (byte) found;
          cur[x] = (byte) found;
          continue;
        }
        if (level == top) {
          label[x] = 0;
          continue;
        } // no children; a relabel would pass the top level
        // Relabel: orphan the children, and take the lowest neighbour below the top (an orphan may
        // do) as parent.
        int minLabel = top;
        for (int d = 0; d < 8; d++) {
          int y = x + off[d];
          int ly = label[y];
          if (parent[y] == 7 - d && ly == level + 1) addOrphan(y, level + 1);
          if (ly > 0 && ly < minLabel && rc[8 * y + 7 - d] > 0) {
            minLabel = ly;
            found = d;
          }
        }
        if (found >= 0) {
          label[x] = minLabel + 1;
          parent[x] = (byte) found;
          cur[x] = (byte) found;
          if (minLabel + 1 == top) addNextS(x);
        } else {
          label[x] = 0;
        }
      }
    }
    maxBucket = 0;
  }

  /** {@link #adoptSource} for the sink tree (labels negative, residual arcs towards the parent). */
  private void adoptSink(int fromLevel) {
    final int[] off = this.off,
        label = this.label,
        bucket = this.bucket,
        nextOrphan = this.nextOrphan;
    final double[] rc = this.rc;
    final byte[] parent = this.parent, cur = this.cur;
    final int top = topT;
    for (int level = fromLevel; level <= maxBucket; level++) {
      int x;
      while ((x = bucket[level]) >= 0) {
        bucket[level] = nextOrphan[x];
        int found = -1;
        if (level > 1) {
          for (int d = cur[x]; d < 8; d++) {
            if (label[x + off[d]] == 1 - level && rc[8 * x + d] > 0) {
              found = d;
              break;
            }
          }
        }
        if (found >= 0) {
          parent[x] = (byte) found;
          cur[x] = (byte) found;
          continue;
        }
        if (level == top) {
          label[x] = 0;
          continue;
        }
        int minLevel = top;
        for (int d = 0; d < 8; d++) {
          int y = x + off[d];
          int ly = label[y];
          if (parent[y] == 7 - d && ly == -level - 1) addOrphan(y, level + 1);
          if (ly < 0 && -ly < minLevel && rc[8 * x + d] > 0) {
            minLevel = -ly;
            found = d;
          }
        }
        if (found >= 0) {
          label[x] = -minLevel - 1;
          parent[x] = (byte) found;
          cur[x] = (byte) found;
          if (minLevel + 1 == top) addNextT(x);
        } else {
          label[x] = 0;
        }
      }
    }
    maxBucket = 0;
  }
}
