package org.wsol.cli.eval;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A dataset folder from outside ({@code ./wsol eval --dataset DIR}): any images.csv and boxes.csv.
 * Reading it gives items that each have their image and its ground truth, or an {@link
 * IllegalArgumentException} that names the file and line at fault; anything else (a bare
 * NumberFormatException, an index out of bounds) is a finding.
 */
class EvalDatasetFuzzTest {
  static final Path DIR = dataset();

  private static Path dataset() {
    try {
      Path dir = Files.createTempDirectory("wsol-fuzz-dataset-");
      Files.createDirectories(dir.resolve("images"));
      for (String name : new String[] {"a.jpg", "b.png"}) {
        Files.write(dir.resolve("images").resolve(name), new byte[] {1});
      }
      dir.toFile().deleteOnExit();
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @FuzzTest(maxDuration = "60s")
  void readGivesCompleteItemsOrSaysWhichLineIsWrong(FuzzedDataProvider data) throws IOException {
    boolean withImagesCsv = data.consumeBoolean();
    String images = data.consumeString(400);
    byte[] boxes = data.consumeRemainingAsBytes();
    Files.write(DIR.resolve("boxes.csv"), boxes);
    if (withImagesCsv) {
      Files.writeString(DIR.resolve("images.csv"), images);
    } else {
      Files.deleteIfExists(DIR.resolve("images.csv"));
    }
    try {
      for (EvalDataset.Item item : EvalDataset.read(DIR)) {
        assertNotNull(item.truth(), item.id() + " has no ground truth");
        assertTrue(Files.isRegularFile(item.file()), item.file() + " is not a file");
      }
    } catch (IllegalArgumentException e) {
      String m = e.getMessage();
      assertTrue(
          m != null && (m.contains(" line ") || m.contains(DIR.toString())),
          "the error names the file and line at fault: " + e);
    }
  }
}
