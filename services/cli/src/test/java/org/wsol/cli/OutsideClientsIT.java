package org.wsol.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wsol.common.avro.AvroCodec;
import org.wsol.schema.Box;
import org.wsol.schema.ClassBox;
import org.wsol.schema.ImageEvent;
import org.wsol.schema.LocalizationResult;

/**
 * Clients no one here wrote, talking to the real services on an embedded broker in the default wire
 * format: the Python examples (Debian's python3-confluent-kafka + python3-avro) and kcat. Each test
 * is skipped, with the package to install, when its tool is missing.
 */
class OutsideClientsIT {
  static final String PYTHON = "/usr/bin/python3";
  static final Path EXAMPLES = PipelineFixture.ROOT.resolve("examples/python");
  static PipelineFixture pipeline;

  @BeforeAll
  static void start() {
    pipeline = new PipelineFixture(Map.of());
  }

  @AfterAll
  static void stop() {
    if (pipeline != null) {
      pipeline.close();
    }
  }

  @Test
  void pythonProducerImagesAreDecodedAndLocalisedByTheJavaServices(@TempDir Path folder)
      throws Exception {
    assumePython();
    List<String> ids = List.of("hot_dog", "opencv-doc_apple");
    for (String id : ids) {
      Files.copy(PipelineFixture.PHOTOS.resolve(id + ".jpg"), folder.resolve(id + ".jpg"));
    }
    Result sent =
        run(
            Duration.ofSeconds(30),
            PYTHON,
            EXAMPLES.resolve("produce_images.py").toString(),
            "--bootstrap",
            pipeline.settings.get("bootstrap.servers"),
            "--top-k",
            "1",
            folder.toString());
    assertEquals(0, sent.exit, sent.output);

    Result printed =
        run(
            Duration.ofSeconds(90),
            PYTHON,
            EXAMPLES.resolve("print_results.py").toString(),
            "--bootstrap",
            pipeline.settings.get("bootstrap.servers"),
            "--timeout",
            "75",
            ids.get(0),
            ids.get(1));
    assertEquals(0, printed.exit, printed.output);

    // The services decoding the Python records at all proves the fingerprints agree; the boxes
    // Python
    // prints must be the ones Java reads from the results topic.
    String text = new String(printed.stdout, StandardCharsets.UTF_8);
    for (String id : ids) {
      LocalizationResult r = latestResult(id);
      assertTrue(r.getComplete(), "complete: " + r);
      ClassBox top = r.getBoxes().stream().filter(b -> b.getRank() == 1).findFirst().orElseThrow();
      assertNotNull(top.getBox(), "a box for " + id);
      Box b = top.getBox();
      String expected =
          String.format(
              Locale.ROOT,
              "  #1 %s (%.2f): box x %d-%d, y %d-%d",
              top.getClassLabel(),
              top.getScore(),
              b.getXMin(),
              b.getXMax(),
              b.getYMin(),
              b.getYMax());
      assertTrue(
          text.contains(
              id
                  + " "
                  + r.getOriginalWidth()
                  + "x"
                  + r.getOriginalHeight()
                  + "\n"
                  + expected
                  + "\n"),
          "print_results.py shows " + expected.trim() + " for " + id + ":\n" + printed.output);
      // Then each object of the class (the default segmenter.instances=components finds at least
      // the main one).
      assertFalse(top.getInstances().isEmpty(), "instances for " + id);
      Box first = top.getInstances().get(0).getBox();
      String object =
          String.format(
              Locale.ROOT,
              "      object x %d-%d, y %d-%d (score ",
              first.getXMin(),
              first.getXMax(),
              first.getYMin(),
              first.getYMax());
      assertTrue(
          text.contains(expected + "\n" + object),
          "print_results.py shows " + object.trim() + " for " + id + ":\n" + printed.output);
    }
    assertNoDeadLetters();
  }

  @Test
  void kcatProducesAnEventEncodedFromTheSchemaAndReadsTheOutput(@TempDir Path folder)
      throws Exception {
    assumePython();
    Assumptions.assumeTrue(
        works("kcat", "-V"), "kcat not found: install it (Debian: apt-get install kcat)");
    String id = "cat_720p";
    Path event = folder.resolve("event.avro");
    Result encoded =
        run(
            Duration.ofSeconds(30),
            PYTHON,
            EXAMPLES.resolve("produce_images.py").toString(),
            "--top-k",
            "1",
            "--out",
            event.toString(),
            PipelineFixture.PHOTOS.resolve(id + ".jpg").toString());
    assertEquals(0, encoded.exit, encoded.output);
    assertEquals(id, new AvroCodec<>(ImageEvent.class).decode(Files.readAllBytes(event)).getId());

    String bootstrap = pipeline.settings.get("bootstrap.servers");
    Result produced =
        run(
            Duration.ofSeconds(30),
            "kcat",
            "-P",
            "-b",
            bootstrap,
            "-t",
            pipeline.topics().images(),
            "-k",
            id,
            event.toString());
    assertEquals(0, produced.exit, produced.output);

    // kcat prints key, value size and value; the value is decoded here, byte for byte as kcat got
    // it.
    AvroCodec<LocalizationResult> codec = new AvroCodec<>(LocalizationResult.class);
    LocalizationResult found = null;
    long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (found == null && System.nanoTime() < end) {
      Result read =
          run(
              Duration.ofSeconds(30),
              "kcat",
              "-C",
              "-b",
              bootstrap,
              "-t",
              pipeline.topics().results(),
              "-o",
              "beginning",
              "-e",
              "-q",
              "-f",
              "%k\\t%S\\n%s");
      assertEquals(0, read.exit, read.output);
      for (Map.Entry<String, byte[]> r : parseKcat(read.stdout)) {
        if (r.getKey().equals(id)) {
          found = codec.decode(r.getValue());
        }
      }
      if (found == null) {
        Thread.sleep(500);
      }
    }
    assertNotNull(found, "kcat read no result for " + id + " within 60 s");
    assertEquals(id, found.getImageId());
    assertTrue(found.getComplete(), "complete: " + found);
    assertEquals(
        1,
        found.getBoxes().stream().filter(b -> b.getRank() == 1 && b.getBox() != null).count(),
        "one rank-1 box: " + found);
    assertEquals(latestResult(id), found, "kcat read what a Java consumer reads");
    assertNoDeadLetters();
  }

  private LocalizationResult latestResult(String id) {
    List<ConsumerRecord<String, byte[]>> records =
        pipeline.readKeys(pipeline.topics().results(), List.of(id), Duration.ofSeconds(60));
    assertFalse(records.isEmpty(), "no result for " + id);
    return new AvroCodec<>(LocalizationResult.class)
        .decode(records.get(records.size() - 1).value());
  }

  private void assertNoDeadLetters() {
    List<ConsumerRecord<String, byte[]>> dead =
        pipeline.read(pipeline.topics().deadLetter(), r -> false, Duration.ofSeconds(1));
    assertEquals(0, dead.size(), "dead letters: " + dead);
  }

  /** kcat -f '%k\t%S\n%s' output: key TAB value-size NEWLINE value, repeated. */
  static List<Map.Entry<String, byte[]>> parseKcat(byte[] out) {
    List<Map.Entry<String, byte[]>> records = new ArrayList<>();
    int i = 0;
    while (i < out.length) {
      int nl = i;
      while (out[nl] != '\n') {
        nl++;
      }
      String[] head = new String(out, i, nl - i, StandardCharsets.UTF_8).split("\t");
      int size = Integer.parseInt(head[1].trim());
      byte[] value = new byte[size];
      System.arraycopy(out, nl + 1, value, 0, size);
      records.add(Map.entry(head[0], value));
      i = nl + 1 + size;
    }
    return records;
  }

  static void assumePython() {
    Assumptions.assumeTrue(
        works(PYTHON, "-c", "import confluent_kafka, avro"),
        PYTHON
            + " cannot import "
            + "confluent_kafka and avro: install them (Debian: apt-get install python3-confluent-kafka python3-avro)");
  }

  static boolean works(String... command) {
    try {
      return run(Duration.ofSeconds(20), command).exit == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  record Result(int exit, byte[] stdout, String output) {}

  /**
   * Runs a command; stdout is kept as bytes, stderr is merged into the text used in failure
   * messages.
   */
  static Result run(Duration timeout, String... command) throws IOException, InterruptedException {
    Path err = Files.createTempFile("outside-client", ".err");
    try {
      Process p = new ProcessBuilder(command).redirectError(err.toFile()).start();
      p.getOutputStream().close();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      Thread pump =
          new Thread(
              () -> {
                try {
                  p.getInputStream().transferTo(out);
                } catch (IOException ignored) {
                  // the process was killed
                }
              });
      pump.start();
      if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
        p.destroyForcibly();
        p.waitFor();
      }
      pump.join();
      int exit = p.isAlive() ? -1 : p.exitValue();
      String text =
          String.join(" ", command)
              + " -> exit "
              + exit
              + "\n"
              + out.toString(StandardCharsets.UTF_8)
              + Files.readString(err);
      return new Result(exit, out.toByteArray(), PipelineFixture.tail(text, 4000));
    } finally {
      Files.deleteIfExists(err);
    }
  }
}
