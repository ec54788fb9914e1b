package org.wsol.cli.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dataset folders, good and wrong; each wrong one is a finding of EvalDatasetFuzzTest, kept as a
 * plain test.
 */
class EvalDatasetTest {
  @TempDir Path dir;

  private String refused(String boxes, String images) throws Exception {
    Files.createDirectories(dir.resolve("images"));
    Files.write(dir.resolve("images").resolve("a.jpg"), new byte[] {1});
    Files.writeString(dir.resolve("boxes.csv"), boxes);
    if (images != null) {
      Files.writeString(dir.resolve("images.csv"), images);
    }
    return assertThrows(IllegalArgumentException.class, () -> EvalDataset.read(dir)).getMessage();
  }

  @Test
  void aGoodFolderReadsWithItsBoxes() throws Exception {
    Files.createDirectories(dir.resolve("images"));
    Files.write(dir.resolve("images").resolve("a.jpg"), new byte[] {1});
    Files.writeString(
        dir.resolve("boxes.csv"),
        "image,class_idx,xmin,ymin,xmax,ymax\na.jpg,3,1,2,30,40\na.jpg,3,5,5,9,9\n");
    List<EvalDataset.Item> items = EvalDataset.read(dir);
    assertEquals(1, items.size());
    assertEquals("a", items.get(0).id());
    assertEquals(3, items.get(0).truth().getClassIndex());
    assertEquals(2, items.get(0).truth().getBoxes().size());
  }

  @Test
  void anEmptyBoxesFileSaysWhatItShouldHold() throws Exception {
    // Was: IllegalArgumentException "fromIndex(1) > toIndex(0)" (the fuzzer's empty input).
    String m = refused("", null);
    assertTrue(
        m.contains("boxes.csv is empty") && m.contains("image,class_idx,xmin,ymin,xmax,ymax"), m);
  }

  @Test
  void aFieldThatIsNotANumberIsNamedWithItsLine() throws Exception {
    // Was: NumberFormatException 'For input string: "x"', with no file or line.
    String m = refused("image,class_idx,xmin,ymin,xmax,ymax\na.jpg,3,1,2,x,40\n", null);
    assertTrue(m.contains("boxes.csv line 2: xmax is 'x', expected a whole number"), m);
    m =
        refused(
            "image,class_idx,xmin,ymin,xmax,ymax\na.jpg,3,1,2,30,40\n",
            "image,class_idx\na.jpg,three\n");
    assertTrue(m.contains("images.csv line 2: class_idx is 'three'"), m);
  }

  @Test
  void bytesThatAreNotUtf8AreRefusedAsText() throws Exception {
    // Was: java.nio.charset.MalformedInputException "Input length = 1" (an IOException).
    Files.createDirectories(dir);
    Files.write(
        dir.resolve("boxes.csv"), "image,class_idx\n\u00ff".getBytes(StandardCharsets.ISO_8859_1));
    String m =
        assertThrows(IllegalArgumentException.class, () -> EvalDataset.read(dir)).getMessage();
    assertTrue(m.contains("boxes.csv is not UTF-8 text"), m);
  }

  @Test
  void anImageNameWithoutAFileNameIsRefusedWithItsLine() throws Exception {
    // Was: NullPointerException from Path.getFileName() of "/".
    String m = refused("image,class_idx,xmin,ymin,xmax,ymax\n/,3,1,2,30,40\n", null);
    assertTrue(m.contains("boxes.csv line 2: image '/' is not a file name"), m);
  }
}
