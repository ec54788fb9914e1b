package org.wsol.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.wsol.results.http.ResultJson;
import picocli.CommandLine;

/**
 * A text file named like a photo, through the real pipeline on a real broker: produce warns but
 * sends it, the saliency service refuses it, and the refusal shows where results show: a subscriber
 * prints a result of status rejected (and exits 1), GET /images/{id} answers with it, and the live
 * stream carries it.
 */
class RejectedImageIT {
  @TempDir Path dir;

  record Run(int code, String out, String err) {}

  /** Runs a command in this JVM as ./wsol would, capturing what it prints. */
  static synchronized Run wsol(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
      int code = new CommandLine(new Main()).execute(args);
      return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  @Test
  @Timeout(
      value = 3,
      unit = TimeUnit.MINUTES) // without rejected results, subscribe --limit 1 would wait forever
  void aFileThatIsNotAnImageEndsAsARejectedResultWhereverResultsShow() throws Exception {
    Path bad = dir.resolve("photo.jpg");
    Files.writeString(bad, "hello, I am a text file with a photo's name\n");
    try (PipelineFixture p = new PipelineFixture(Map.of())) {
      String bootstrap = p.broker.bootstrapServers();
      String api = "http://127.0.0.1:" + p.resultsPort();
      HttpClient http = HttpClient.newHttpClient();
      // The live stream first, so that it listens before the result comes.
      HttpResponse<Stream<String>> sse =
          http.send(
              HttpRequest.newBuilder(URI.create(api + "/images/stream?id=photo")).GET().build(),
              HttpResponse.BodyHandlers.ofLines());
      assertEquals(200, sse.statusCode());
      Iterator<String> events = sse.body().iterator();
      CompletableFuture<String> event =
          CompletableFuture.supplyAsync(
              () -> {
                while (events.hasNext()) {
                  String line = events.next();
                  if (line.startsWith("data:")) {
                    return line.substring("data:".length()).trim();
                  }
                }
                return null;
              });

      Run produce = wsol("produce", "-b", bootstrap, bad.toString());
      assertEquals(0, produce.code(), produce.err());
      assertTrue(
          produce.err().contains("photo.jpg does not start like a JPEG, PNG, BMP or GIF image"),
          "produce warns at once: " + produce.err());
      assertTrue(produce.err().contains("sent 1 images"), produce.err());

      Run sub =
          wsol("subscribe", "-b", bootstrap, "--from-beginning", "--limit", "1", "--id", "photo");
      assertEquals(1, sub.code(), "a rejected image makes subscribe exit 1: " + sub.err());
      JsonNode printed = ResultJson.read(sub.out().strip());
      assertRejected(printed);
      assertTrue(
          sub.err()
              .contains(
                  "image photo rejected by saliency: unsupported or unrecognised image format"),
          sub.err());

      HttpResponse<String> one =
          http.send(
              HttpRequest.newBuilder(URI.create(api + "/images/photo")).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, one.statusCode(), one.body());
      assertRejected(ResultJson.read(one.body()));

      assertRejected(ResultJson.read(event.get(30, TimeUnit.SECONDS)));
    }
  }

  static void assertRejected(JsonNode r) {
    assertEquals("photo", r.get("image_id").asText(), r.toString());
    assertEquals("rejected", r.get("status").asText(), r.toString());
    assertEquals("saliency", r.get("rejection").get("stage").asText(), r.toString());
    assertTrue(
        r.get("rejection").get("reason").asText().contains("send JPEG, PNG, BMP or GIF"),
        r.toString());
    assertEquals(0, r.get("boxes").size());
  }
}
