package org.wsol.saliency.model;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.function.IntUnaryOperator;
import java.util.stream.IntStream;

/**
 * Computes a pass's maps, each independent of the others, on as many threads as libtorch's intra-op
 * pool. The maps (class activations, resizes, crops placed back) are Java work after the pass,
 * while libtorch's threads wait: done on one thread, they took ~7% of a two-thread pass of the
 * default mode, work PyTorch spreads over its intra-op threads.
 */
final class ParallelMaps implements AutoCloseable {
  /** The map of image i, rank r. */
  interface MapOf {
    float[] map(int image, int rank);
  }

  private final ForkJoinPool pool;

  ParallelMaps(int threads) {
    this.pool =
        threads > 1
            ? new ForkJoinPool(
                threads,
                p -> {
                  ForkJoinWorkerThread t =
                      ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
                  t.setName("saliency-maps-" + t.getPoolIndex());
                  t.setDaemon(true);
                  return t;
                },
                null,
                false)
            : null;
  }

  /** maps[i][r] = f(i, r) for r below counts(i), on the pool when there is one. */
  float[][][] compute(int images, IntUnaryOperator counts, MapOf f) {
    float[][][] maps = new float[images][][];
    int total = 0;
    for (int i = 0; i < images; i++) {
      maps[i] = new float[counts.applyAsInt(i)][];
      total += maps[i].length;
    }
    int[] image = new int[total], rank = new int[total];
    for (int i = 0, k = 0; i < images; i++)
      for (int r = 0; r < maps[i].length; r++, k++) {
        image[k] = i;
        rank[k] = r;
      }
    if (pool == null || total < 2) {
      for (int k = 0; k < total; k++) maps[image[k]][rank[k]] = f.map(image[k], rank[k]);
    } else {
      int n = total;
      pool.submit(
              () ->
                  IntStream.range(0, n)
                      .parallel()
                      .forEach(k -> maps[image[k]][rank[k]] = f.map(image[k], rank[k])))
          .join();
    }
    return maps;
  }

  @Override
  public void close() {
    if (pool != null) pool.shutdownNow();
  }
}
