package org.wsol.cli.eval;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;

/**
 * The dataset CSV files (boxes.csv, images.csv) read so that whatever they hold, a wrong file ends
 * in an {@link IllegalArgumentException} naming the file, the line and what was expected (found by
 * fuzzing: empty files, numbers that are not, bytes that are not UTF-8, names without a file name
 * all escaped as bare JDK exceptions).
 */
public final class CsvLines {
  private CsvLines() {}

  /**
   * The lines of {@code csv}, header included; refuses a file that is not UTF-8 text or has no
   * header line.
   */
  public static List<String> read(Path csv, String header) throws IOException {
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(Files.readAllBytes(csv)))
              .toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException(csv + " is not UTF-8 text: expected CSV lines " + header);
    }
    List<String> lines = text.lines().toList();
    if (lines.isEmpty()) {
      throw new IllegalArgumentException(
          csv + " is empty: expected a header line " + header + ", then one line per row");
    }
    return lines;
  }

  /** Field {@code value} of line {@code line} (1-based) as a whole number. */
  public static int integer(String value, Path csv, int line, String column) {
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          csv
              + " line "
              + line
              + ": "
              + column
              + " is '"
              + value.trim()
              + "', expected a whole number");
    }
  }

  /** The image file named on line {@code line}: a relative path with a file name. */
  public static Path imagePath(String name, Path csv, int line) {
    try {
      Path p = Path.of(name.trim());
      if (name.isBlank() || p.getFileName() == null || p.isAbsolute()) {
        throw new IllegalArgumentException(
            csv
                + " line "
                + line
                + ": image '"
                + name.trim()
                + "' is not a file name relative to the dataset folder");
      }
      return p;
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException(
          csv + " line " + line + ": image '" + name.trim() + "' is not a valid file name");
    }
  }
}
