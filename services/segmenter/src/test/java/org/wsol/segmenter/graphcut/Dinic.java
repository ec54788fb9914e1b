package org.wsol.segmenter.graphcut;

import java.util.ArrayDeque;
import java.util.Arrays;

/** Independent reference max-flow for tests: Dinic on an adjacency list (edge arrays). */
final class Dinic {
  private final int n;
  private int[] head, next, to;
  private double[] cap;
  private int m;
  private int[] level, it;

  Dinic(int n) {
    this.n = n;
    head = new int[n];
    Arrays.fill(head, -1);
    next = new int[16];
    to = new int[16];
    cap = new double[16];
  }

  private void add(int u, int v, double c) {
    if (m == to.length) {
      next = Arrays.copyOf(next, 2 * m);
      to = Arrays.copyOf(to, 2 * m);
      cap = Arrays.copyOf(cap, 2 * m);
    }
    to[m] = v;
    cap[m] = c;
    next[m] = head[u];
    head[u] = m++;
  }

  /** Directed edge u->v with capacity c and reverse residual 0 (or rc for an undirected edge). */
  void addEdge(int u, int v, double c, double rc) {
    add(u, v, c);
    add(v, u, rc);
  }

  double maxFlow(int s, int t) {
    double flow = 0;
    level = new int[n];
    it = new int[n];
    while (bfs(s, t)) {
      System.arraycopy(head, 0, it, 0, n);
      double f;
      while ((f = dfs(s, t, Double.POSITIVE_INFINITY)) > 0) flow += f;
    }
    return flow;
  }

  /** After {@link #maxFlow}: which nodes can reach t in the residual graph. */
  boolean[] reachesSink(int t) {
    boolean[] seen = new boolean[n];
    ArrayDeque<Integer> q = new ArrayDeque<>();
    seen[t] = true;
    q.add(t);
    while (!q.isEmpty()) {
      int v = q.poll();
      for (int e = head[v]; e >= 0; e = next[e]) {
        int u = to[e]; // edge e is v->u, its pair e^1 is u->v
        if (cap[e ^ 1] > 1e-12 && !seen[u]) {
          seen[u] = true;
          q.add(u);
        }
      }
    }
    return seen;
  }

  private boolean bfs(int s, int t) {
    Arrays.fill(level, -1);
    ArrayDeque<Integer> q = new ArrayDeque<>();
    level[s] = 0;
    q.add(s);
    while (!q.isEmpty()) {
      int u = q.poll();
      for (int e = head[u]; e >= 0; e = next[e])
        if (cap[e] > 1e-12 && level[to[e]] < 0) {
          level[to[e]] = level[u] + 1;
          q.add(to[e]);
        }
    }
    return level[t] >= 0;
  }

  // Iterative-depth recursion is fine: levels are bounded by the BFS depth of the test graphs.
  private double dfs(int u, int t, double f) {
    if (u == t) return f;
    for (; it[u] >= 0; it[u] = next[it[u]]) {
      int e = it[u], v = to[e];
      if (cap[e] > 1e-12 && level[v] == level[u] + 1) {
        double d = dfs(v, t, Math.min(f, cap[e]));
        if (d > 0) {
          cap[e] -= d;
          cap[e ^ 1] += d;
          return d;
        }
      }
    }
    return 0;
  }
}
