package org.wsol.saliency.service;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * glibc's malloc gives allocations above its mmap threshold (dynamic, at most 32 MB by default)
 * pages of their own and returns them when freed, and trims the heap top above 128 KB; a thread
 * other than the process's first one allocates from an arena of 64 MB heaps, which maps anything
 * larger anew whatever the thresholds. libtorch's CPU allocator goes through malloc, and the model
 * runs on a worker thread, so with the defaults every forward pass maps, faults in (the kernel
 * zeroes each page) and unmaps its large activations: measured here as 5x the CPU time per image at
 * 8 images of 320 px a pass against one image. One arena and both thresholds high keep the memory
 * in the process from pass to pass. They can only be set before the process starts (GLIBC_TUNABLES;
 * the wsol launcher and the container image do), so the service only checks and says so.
 */
final class MallocSettings {
  private static final Logger log = LoggerFactory.getLogger(MallocSettings.class);

  /** What the launcher and the container images set. */
  static final String RECOMMENDED =
      "glibc.malloc.arena_max=1:glibc.malloc.mmap_threshold=4294967295:glibc.malloc.trim_threshold=4294967295";

  private MallocSettings() {}

  /** Whether a GLIBC_TUNABLES value (null: unset) sets one arena and both thresholds. */
  static boolean keepsPages(String tunables) {
    return tunables != null
        && tunables.contains("glibc.malloc.arena_max=1")
        && tunables.contains("glibc.malloc.mmap_threshold=")
        && tunables.contains("glibc.malloc.trim_threshold=");
  }

  static void warnIfFaulting(boolean gpu) {
    String os = System.getProperty("os.name", "");
    if (!gpu && os.startsWith("Linux") && !keepsPages(System.getenv("GLIBC_TUNABLES"))) {
      log.warn(
          "GLIBC_TUNABLES does not set malloc's arena count and mmap and trim thresholds: each CPU pass will map and fault in its"
              + " activations anew (per-image cost grows with the batch). Start the service with GLIBC_TUNABLES={}"
              + " (./wsol does).",
          RECOMMENDED);
    }
  }
}
