package org.wsol.saliency.service;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MallocSettingsTest {
  @Test
  void onlyOneArenaAndBothThresholdsCount() {
    assertTrue(MallocSettings.keepsPages(MallocSettings.RECOMMENDED));
    assertFalse(MallocSettings.keepsPages(null));
    assertFalse(MallocSettings.keepsPages(""));
    // Thresholds alone still leave the worker thread's arena mapping large activations anew.
    assertFalse(
        MallocSettings.keepsPages(
            "glibc.malloc.mmap_threshold=4294967295:glibc.malloc.trim_threshold=4294967295"));
    assertFalse(
        MallocSettings.keepsPages(
            "glibc.malloc.arena_max=1:glibc.malloc.trim_threshold=4294967295"));
  }
}
