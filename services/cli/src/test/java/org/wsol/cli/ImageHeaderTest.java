package org.wsol.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ImageHeaderTest {
  static byte[] head(Path file) throws Exception {
    byte[] all = Files.readAllBytes(file);
    return java.util.Arrays.copyOf(all, Math.min(all.length, ImageHeader.LENGTH));
  }

  @Test
  void recognisesTheFourFormatsTheServiceDecodes() throws Exception {
    assertEquals("JPEG", ImageHeader.format(head(PipelineFixture.PHOTOS.resolve("owl.jpg"))));
    assertEquals(
        "PNG", ImageHeader.format(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A}));
    assertEquals("BMP", ImageHeader.format("BM\0\0".getBytes(StandardCharsets.ISO_8859_1)));
    assertEquals("GIF", ImageHeader.format("GIF89a".getBytes(StandardCharsets.ISO_8859_1)));
    assertEquals("GIF", ImageHeader.format("GIF87a".getBytes(StandardCharsets.ISO_8859_1)));
  }

  @Test
  void refusesTextEmptyAndTruncatedHeaders() {
    assertNull(ImageHeader.format("hello, I am text".getBytes(StandardCharsets.UTF_8)));
    assertNull(ImageHeader.format(new byte[0]));
    assertNull(
        ImageHeader.format(new byte[] {(byte) 0xFF, (byte) 0xD8}), "two of JPEG's three bytes");
    assertNull(
        ImageHeader.format(new byte[] {(byte) 0x89, 'P', 'N', 'G'}), "half of PNG's signature");
    assertNull(ImageHeader.format("GIF90a".getBytes(StandardCharsets.ISO_8859_1)));
  }
}
