package org.wsol.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.wsol.cli.local.ImageProducer;
import org.wsol.common.avro.WireFormat;
import org.wsol.schema.BoxResult;
import org.wsol.schema.ClassBox;
import org.wsol.schema.LocalizationResult;

/**
 * The services in wire.format=registry against a real Apicurio Registry (unpacked from Maven
 * Central into target/ by the build): they register their schemas under {@code <topic>-value}
 * through its Confluent-compatible API, write 00 + schema id + Avro, and read each other's records
 * back.
 */
class RegistryModeIT {
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static Process registry;
  static String ccompat;
  static PipelineFixture pipeline;

  @BeforeAll
  static void start() throws Exception {
    Path home = Path.of("target/apicurio-registry");
    Path jar = null;
    if (Files.isDirectory(home)) {
      try (Stream<Path> s = Files.list(home)) {
        jar =
            s.filter(p -> p.getFileName().toString().endsWith("-runner.jar"))
                .findFirst()
                .orElse(null);
      }
    }
    Assumptions.assumeTrue(
        jar != null,
        "schema registry not unpacked in "
            + home.toAbsolutePath()
            + ": run through Maven (mvn verify), which unpacks io.apicurio:apicurio-registry-app there");
    Path log = Path.of("target/apicurio-registry.log");
    // The registry is up before anything else binds a port: a free port picked now could otherwise
    // be taken by
    // the broker or a service while the registry boots. A port lost anyway (another process) means
    // a new try.
    for (int attempt = 1; ; attempt++) {
      int port = freePort();
      registry =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-Xmx512m",
                  "-Dquarkus.http.host=127.0.0.1",
                  "-Dquarkus.http.port=" + port,
                  "-Dquarkus.management.enabled=false",
                  "-jar",
                  jar.toAbsolutePath().toString())
              .directory(home.toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      Process started = registry;
      Runtime.getRuntime()
          .addShutdownHook(new Thread(started::destroyForcibly)); // no orphan if the test JVM dies
      ccompat = "http://127.0.0.1:" + port + "/apis/ccompat/v7";
      if (awaitRegistry(log, attempt < 3)) {
        break;
      }
    }
    pipeline =
        new PipelineFixture(Map.of("wire.format", "registry", "schema.registry.url", ccompat));
  }

  /**
   * @return true when the registry answers; false when it exited over a port in use and may be
   *     retried
   */
  private static boolean awaitRegistry(Path log, boolean mayRetry) throws Exception {
    long end = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (!ready()) {
      if (!registry.isAlive()) {
        String tail = PipelineFixture.tail(Files.readString(log), 3000);
        if (mayRetry && tail.contains("in use")) {
          return false;
        }
        fail("the schema registry exited with " + registry.exitValue() + ":\n" + tail);
      }
      if (System.nanoTime() > end) {
        fail(
            "the schema registry did not answer within 90 s; its log:\n"
                + PipelineFixture.tail(Files.readString(log), 3000));
      }
      Thread.sleep(250);
    }
    return true;
  }

  @AfterAll
  static void stop() throws Exception {
    if (pipeline != null) {
      pipeline.close();
    }
    if (registry != null) {
      registry.destroy();
      if (!registry.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        registry.destroyForcibly();
      }
    }
  }

  @Test
  void servicesRegisterTheirSchemasAndReadEachOthersConfluentFramedRecords() throws Exception {
    List<String> ids = List.of("hot_dog", "opencv-doc_orange");
    try (ImageProducer producer = new ImageProducer(pipeline.settings)) {
      for (String id : ids) {
        producer.sendFile(id, PipelineFixture.PHOTOS.resolve(id + ".jpg"), 1, null).get();
      }
    }
    List<ConsumerRecord<String, byte[]>> boxes =
        pipeline.read(
            pipeline.topics().boxes(), r -> r.size() >= ids.size(), Duration.ofSeconds(60));
    assertEquals(ids.size(), boxes.size(), "boxes from the registry-mode pipeline");

    Deserializer<BoxResult> decode =
        WireFormat.from(pipeline.settings).serde(BoxResult.class).deserializer();
    Set<String> seen = new HashSet<>();
    for (ConsumerRecord<String, byte[]> r : boxes) {
      byte[] v = r.value();
      assertEquals(0, v[0], "Confluent magic byte");
      int id = ByteBuffer.wrap(v, 1, 4).getInt();
      JsonNode byId = get("/schemas/ids/" + id);
      assertTrue(
          byId.path("schema").asText().contains("\"BoxResult\""),
          "schema id " + id + " is " + byId);
      BoxResult box = decode.deserialize(r.topic(), v);
      assertEquals(r.key(), box.getImageId());
      assertNotNull(box.getBox().getBox(), "a box for " + box.getImageId());
      seen.add(box.getImageId());
    }
    assertEquals(Set.copyOf(ids), seen);

    for (ConsumerRecord<String, byte[]> r :
        pipeline.readKeys(pipeline.topics().results(), ids, Duration.ofSeconds(60))) {
      LocalizationResult result = decodeResult(r.value());
      assertEquals(r.key(), result.getImageId());
      assertTrue(result.getComplete() && result.getBoxes().size() == 1, "one box: " + result);
      seen.remove(result.getImageId());
    }
    assertTrue(seen.isEmpty(), "no result for " + seen);

    List<String> subjects = new ArrayList<>();
    get("/subjects").forEach(s -> subjects.add(s.asText()));
    for (String topic : List.of("images", "saliency", "boxes", "results")) {
      assertTrue(
          subjects.contains(topic + "-value"),
          "subject " + topic + "-value registered: " + subjects);
    }
    assertEquals(
        0,
        pipeline.read(pipeline.topics().deadLetter(), r -> false, Duration.ofSeconds(1)).size(),
        "no dead letters");
  }

  @Test
  void pythonReadsRegistryModeResultsWithTheSchemaFetchedById() throws Exception {
    OutsideClientsIT.assumePython();
    String id = "opencv-doc_butterfly";
    try (ImageProducer producer = new ImageProducer(pipeline.settings)) {
      producer.sendFile(id, PipelineFixture.PHOTOS.resolve(id + ".jpg"), 1, null).get();
    }
    OutsideClientsIT.Result printed =
        OutsideClientsIT.run(
            Duration.ofSeconds(90),
            OutsideClientsIT.PYTHON,
            OutsideClientsIT.EXAMPLES.resolve("print_results.py").toString(),
            "--bootstrap",
            pipeline.settings.get("bootstrap.servers"),
            "--registry",
            ccompat,
            "--timeout",
            "75",
            id);
    assertEquals(0, printed.exit(), printed.output());
    List<ConsumerRecord<String, byte[]>> records =
        pipeline.readKeys(pipeline.topics().results(), List.of(id), Duration.ofSeconds(10));
    ClassBox top = decodeResult(records.get(records.size() - 1).value()).getBoxes().get(0);
    String expected =
        String.format(
            java.util.Locale.ROOT,
            "#1 %s (%.2f): box x %d-%d, y %d-%d",
            top.getClassLabel(),
            top.getScore(),
            top.getBox().getXMin(),
            top.getBox().getXMax(),
            top.getBox().getYMin(),
            top.getBox().getYMax());
    assertTrue(
        new String(printed.stdout(), java.nio.charset.StandardCharsets.UTF_8).contains(expected),
        "Python prints " + expected + ":\n" + printed.output());
  }

  /** Checks the Confluent framing and the registered schema behind the id, then decodes. */
  static LocalizationResult decodeResult(byte[] v) throws Exception {
    assertEquals(0, v[0], "Confluent magic byte");
    int id = ByteBuffer.wrap(v, 1, 4).getInt();
    assertTrue(
        get("/schemas/ids/" + id).path("schema").asText().contains("\"LocalizationResult\""),
        "schema id " + id);
    return WireFormat.from(pipeline.settings)
        .serde(LocalizationResult.class)
        .deserializer()
        .deserialize(pipeline.topics().results(), v);
  }

  static JsonNode get(String path) throws IOException, InterruptedException {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(ccompat + path)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), path + ": " + r.body());
    return JSON.readTree(r.body());
  }

  private static boolean ready() {
    try {
      return HTTP.send(
                  HttpRequest.newBuilder(URI.create(ccompat + "/subjects"))
                      .timeout(Duration.ofSeconds(2))
                      .build(),
                  HttpResponse.BodyHandlers.discarding())
              .statusCode()
          == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
