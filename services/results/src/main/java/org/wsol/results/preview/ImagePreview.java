package org.wsol.results.preview;

import java.util.Map;
import java.util.TreeMap;

/**
 * What the live page shows of one image besides its result: the working image (the JPEG the
 * saliency service sent, as it came) and each rank's map as a {@link LevelMap}.
 */
public final class ImagePreview {
  private final byte[] workingJpeg;
  private final Map<Integer, LevelMap> maps = new TreeMap<>();

  public ImagePreview(byte[] workingJpeg) {
    this.workingJpeg = workingJpeg;
  }

  public byte[] workingJpeg() {
    return workingJpeg;
  }

  public synchronized LevelMap map(int rank) {
    return maps.get(rank);
  }

  synchronized void putMap(int rank, LevelMap map) {
    maps.put(rank, map);
  }

  /** Bytes held, for the store's bound. */
  public synchronized long bytes() {
    long n = workingJpeg.length + 64;
    for (LevelMap m : maps.values()) {
      n += m.levels().length + 32;
    }
    return n;
  }
}
