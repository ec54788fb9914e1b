package org.wsol.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wsol.cli.local.Pictures;
import picocli.CommandLine;

/**
 * ./wsol demo --images DIR end to end: a real photo gets its row and its PNG; a file that is not an
 * image is named as rejected with the stage and the reason (from its result of status rejected) and
 * what to do, and the exit status says something failed.
 */
class DemoCommandIT {
  @Test
  void localisesAPhotoAndNamesTheUnreadableFile(@TempDir Path tmp) throws Exception {
    Path in = tmp.resolve("in");
    Files.createDirectories(in);
    Files.copy(Path.of("../../samples/photos/hot_dog.jpg"), in.resolve("hot_dog.jpg"));
    Files.writeString(in.resolve("notes.jpg"), "this is text, not a JPEG");
    Path out = tmp.resolve("out");

    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    int code;
    try {
      System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
      code =
          new CommandLine(new Main())
              .execute(
                  "demo",
                  "--images",
                  in.toString(),
                  "--out",
                  out.toString(),
                  "--single-crop",
                  "--top-k",
                  "2",
                  "--segmenters",
                  "1",
                  "--verbose");
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
    String printed = stdout.toString(StandardCharsets.UTF_8);
    String errors = stderr.toString(StandardCharsets.UTF_8);
    System.out.println(printed);
    System.out.println(
        errors.lines().filter(l -> !l.contains(" INFO ")).reduce("", (a, b) -> a + b + "\n"));

    assertEquals(1, code, "one image could not be read");
    assertTrue(
        printed.matches("(?s).*\\nhot_dog\\.jpg +hotdog .*"),
        "the hot dog's row names its top class:\n" + printed);
    assertTrue(printed.matches("(?s).*\\nnotes\\.jpg +rejected \\(see below\\).*"), printed);
    assertTrue(printed.contains("total wall time"), printed);
    assertTrue(
        errors.contains(
            "image notes was not localised: rejected by saliency: unsupported or unrecognised "
                + "image format"),
        errors);
    assertTrue(errors.contains("1 image(s) rejected"), errors);
    assertTrue(errors.contains("fix or remove those files"), errors);
    BufferedImage png = ImageIO.read(out.resolve("hot_dog.png").toFile());
    assertTrue(png != null && png.getWidth() > 0, "the hot dog's picture");
    BufferedImage photo = ImageIO.read(in.resolve("hot_dog.jpg").toFile());
    assertEquals(
        Math.min(Pictures.LONGER_SIDE, Math.max(photo.getWidth(), photo.getHeight())),
        Math.max(png.getWidth(), png.getHeight() - Pictures.legendHeight(2)),
        "the one size rule of pictures (the photo; the legend strip of two boxes below it)");
  }
}
