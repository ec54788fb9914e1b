package org.wsol.results.preview;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The newest previews, bounded in count and in bytes: adding beyond either bound drops the oldest
 * images. Memory only (nothing on disk): a restarted instance shows previews of images that arrive
 * from then on, and asks the other results instances for the ones it lacks.
 */
public final class PreviewStore {
  private final int maxImages;
  private final long maxBytes;
  private final LinkedHashMap<String, ImagePreview> byId = new LinkedHashMap<>();
  private long bytes;

  public PreviewStore(int maxImages, long maxBytes) {
    if (maxImages < 1 || maxBytes < 1) {
      throw new IllegalArgumentException("a preview store holds at least one image and one byte");
    }
    this.maxImages = maxImages;
    this.maxBytes = maxBytes;
  }

  /**
   * Adds one rank's map of an image; the first record of an image brings its working image (the
   * others carry the same one, so it is kept once).
   */
  public synchronized void add(String imageId, byte[] workingJpeg, int rank, LevelMap map) {
    ImagePreview p = byId.get(imageId);
    if (p == null) {
      p = new ImagePreview(workingJpeg);
      byId.put(imageId, p);
    } else {
      bytes -= p.bytes();
    }
    p.putMap(rank, map);
    bytes += p.bytes();
    Iterator<Map.Entry<String, ImagePreview>> oldest = byId.entrySet().iterator();
    while ((byId.size() > maxImages || bytes > maxBytes) && byId.size() > 1) {
      Map.Entry<String, ImagePreview> e = oldest.next();
      bytes -= e.getValue().bytes();
      oldest.remove();
    }
  }

  public synchronized ImagePreview get(String imageId) {
    return byId.get(imageId);
  }

  public synchronized int size() {
    return byId.size();
  }

  public synchronized long bytes() {
    return bytes;
  }
}
