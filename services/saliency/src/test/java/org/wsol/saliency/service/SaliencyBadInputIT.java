package org.wsol.saliency.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wsol.broker.EmbeddedBroker;
import org.wsol.common.avro.AvroCodec;
import org.wsol.common.config.Settings;
import org.wsol.common.kafka.TopicTail;
import org.wsol.common.kafka.Topics;
import org.wsol.schema.DeadLetter;
import org.wsol.schema.ImageEvent;
import org.wsol.schema.SaliencyTensor;

/**
 * Bad input to the running saliency service (real broker, bundled model): each bad record lands on
 * the dead-letter topic with stage, reason, source topic/partition/offset and its original bytes,
 * and a good record sent right after it still gets its saliency map. URIs outside the allow-list
 * are refused without a request: a local HTTP server counts what reaches it.
 */
class SaliencyBadInputIT {
  static final long MAX_BYTES = 400_000;
  @TempDir static Path tmp;
  static EmbeddedBroker broker;
  static Settings settings;
  static Topics topics;
  static SaliencyService service;
  static KafkaProducer<byte[], byte[]> producer;
  static TopicTail deadLetters;
  static TopicTail saliency;
  static HttpServer http;
  static String allowedBase; // http://localhost:port
  static String refusedBase; // the same server under its IP literal, not in the allow-list
  static final AtomicInteger imageHits = new AtomicInteger();
  static final AtomicInteger redirectHits = new AtomicInteger();
  static Path root;
  static Path outside;
  static byte[] cat;
  static final AvroCodec<ImageEvent> events = new AvroCodec<>(ImageEvent.class);
  static final AvroCodec<DeadLetter> dead = new AvroCodec<>(DeadLetter.class);
  static final AvroCodec<SaliencyTensor> tensors = new AvroCodec<>(SaliencyTensor.class);

  @BeforeAll
  static void start() throws Exception {
    try (InputStream in = SaliencyBadInputIT.class.getResourceAsStream("/photos/cat.jpg")) {
      cat = in.readAllBytes();
    }
    root = Files.createDirectories(tmp.resolve("root"));
    outside = Files.createDirectories(tmp.resolve("outside"));
    Files.write(root.resolve("cat.jpg"), cat);
    Files.write(outside.resolve("cat.jpg"), cat);
    Files.createSymbolicLink(root.resolve("link.jpg"), outside.resolve("cat.jpg"));

    InetAddress lo = InetAddress.getByName("localhost");
    http = HttpServer.create(new InetSocketAddress(lo, 0), 0);
    int port = http.getAddress().getPort();
    String literal =
        lo instanceof Inet6Address ? "[" + lo.getHostAddress() + "]" : lo.getHostAddress();
    allowedBase = "http://localhost:" + port;
    refusedBase = "http://" + literal + ":" + port;
    http.createContext(
        "/cat.jpg",
        ex -> {
          imageHits.incrementAndGet();
          ex.sendResponseHeaders(200, cat.length);
          ex.getResponseBody().write(cat);
          ex.close();
        });
    http.createContext(
        "/redirect",
        ex -> {
          redirectHits.incrementAndGet();
          ex.getResponseHeaders()
              .add("Location", refusedBase + "/cat.jpg"); // to the private address
          ex.sendResponseHeaders(302, -1);
          ex.close();
        });
    http.start();

    broker = EmbeddedBroker.start();
    settings =
        Settings.load(
            null,
            Map.of(),
            Map.of(
                "bootstrap.servers", broker.bootstrapServers(),
                "topic.partitions", "2",
                "saliency.ten.crop", "false",
                "saliency.top.k", "1",
                "image.max.bytes", Long.toString(MAX_BYTES),
                "image.uri.file.root", root.toString(),
                "image.uri.allowed.hosts", "localhost"));
    topics = Topics.from(settings);
    service = new SaliencyService(settings).start();
    producer =
        new KafkaProducer<>(
            settings.producer(), new ByteArraySerializer(), new ByteArraySerializer());
    deadLetters = new TopicTail(settings, topics.deadLetter());
    saliency = new TopicTail(settings, topics.saliency());
  }

  @AfterAll
  static void stop() {
    if (producer != null) {
      producer.close();
    }
    if (deadLetters != null) {
      deadLetters.close();
    }
    if (saliency != null) {
      saliency.close();
    }
    if (service != null) {
      service.close();
    }
    if (http != null) {
      http.stop(0);
    }
    if (broker != null) {
      broker.close();
    }
  }

  static ImageEvent.Builder event(String id) {
    return ImageEvent.newBuilder().setId(id).setTopK(1).setProducedAt(Instant.now());
  }

  static byte[] inline(String id, byte[] image) {
    return events.encode(event(id).setImageBytes(ByteBuffer.wrap(image)).build());
  }

  static byte[] uri(String id, String uri) {
    return events.encode(event(id).setImageUri(uri).build());
  }

  static RecordMetadata send(String key, byte[] value) throws Exception {
    return producer
        .send(new ProducerRecord<>(topics.images(), key.getBytes(StandardCharsets.UTF_8), value))
        .get();
  }

  /**
   * Sends the bad record and a good one after it; checks the dead letter and the good record's
   * output.
   */
  static DeadLetter assertDeadLettered(String key, byte[] value, String... reasonParts)
      throws Exception {
    RecordMetadata where = send(key, value);
    String good = key + "-then-good";
    send(good, inline(good, cat));

    ConsumerRecord<byte[], byte[]> r = deadLetters.awaitKey(key, Duration.ofSeconds(60));
    DeadLetter d = dead.decode(r.value());
    assertEquals("saliency", d.getStage());
    for (String part : reasonParts) {
      assertTrue(
          d.getReason().contains(part),
          "reason '" + d.getReason() + "' should mention '" + part + "'");
    }
    assertEquals(topics.images(), d.getSourceTopic());
    assertEquals(where.partition(), d.getSourcePartition());
    assertEquals(where.offset(), d.getSourceOffset());
    assertArrayEquals(value, d.getValue().array(), "the dead letter must carry the original bytes");
    assertArrayEquals(key.getBytes(StandardCharsets.UTF_8), d.getKey().array());

    SaliencyTensor t = tensors.decode(saliency.awaitKey(good, Duration.ofSeconds(60)).value());
    assertEquals(good, t.getImageId());
    assertEquals(1, t.getRank());
    assertTrue(service.isRunning(), "the service must keep running");
    return d;
  }

  static SaliencyTensor assertProcessed(String key, byte[] value) throws Exception {
    send(key, value);
    SaliencyTensor t = tensors.decode(saliency.awaitKey(key, Duration.ofSeconds(60)).value());
    assertEquals(key, t.getImageId());
    return t;
  }

  static byte[] png(BufferedImage img) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "png", out);
    return out.toByteArray();
  }

  static byte[] garble(byte[] b) {
    byte[] g = b.clone();
    for (int i = g.length / 2; i < g.length / 2 + 200; i++) {
      g[i] ^= 0x5A;
    }
    return g;
  }

  @Test
  void truncatedJpeg() throws Exception {
    assertDeadLettered(
        "truncated-jpeg",
        inline("truncated-jpeg", Arrays.copyOf(cat, cat.length / 3)),
        "corrupt or truncated");
  }

  @Test
  void corruptJpeg() throws Exception {
    assertDeadLettered("corrupt-jpeg", inline("corrupt-jpeg", garble(cat)), "corrupt or truncated");
  }

  @Test
  void truncatedAndCorruptPng() throws Exception {
    byte[] png = png(ImageIO.read(new java.io.ByteArrayInputStream(cat)));
    assertTrue(png.length < MAX_BYTES);
    assertDeadLettered(
        "truncated-png",
        inline("truncated-png", Arrays.copyOf(png, png.length / 2)),
        "corrupt or truncated");
    assertDeadLettered("corrupt-png", inline("corrupt-png", garble(png)), "corrupt or truncated");
  }

  @Test
  void unsupportedFormat() throws Exception {
    byte[] pdf =
        "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n".getBytes(StandardCharsets.US_ASCII);
    assertDeadLettered("pdf", inline("pdf", pdf), "unsupported", "JPEG, PNG");
  }

  @Test
  void zeroByteImage() throws Exception {
    assertDeadLettered("zero-bytes", inline("zero-bytes", new byte[0]), "empty image");
  }

  @Test
  void decompressionBombIsRefusedByDeclaredSize() throws Exception {
    byte[] bomb = pngDeclaring(100_000, 100_000);
    assertTrue(bomb.length < 100);
    assertDeadLettered(
        "bomb",
        inline("bomb", bomb),
        "100000x100000",
        "image.max.pixels",
        "refused before decoding");
  }

  @Test
  void imageOverTheByteLimit() throws Exception {
    BufferedImage noise = new BufferedImage(400, 400, BufferedImage.TYPE_INT_RGB);
    Random r = new Random(7);
    for (int y = 0; y < 400; y++) {
      for (int x = 0; x < 400; x++) {
        noise.setRGB(x, y, r.nextInt(1 << 24));
      }
    }
    byte[] big = png(noise);
    assertTrue(big.length > MAX_BYTES);
    assertDeadLettered("too-big", inline("too-big", big), "exceeds image.max.bytes=" + MAX_BYTES);
  }

  @Test
  void recordThatIsNotAvro() throws Exception {
    assertDeadLettered(
        "not-avro",
        "{\"id\": \"json, not avro\"}".getBytes(StandardCharsets.UTF_8),
        "not an Avro single-object record");
  }

  @Test
  void recordWithAnUnknownSchemaFingerprint() throws Exception {
    byte[] v = inline("unknown-schema", cat);
    for (int i = 2; i < 10; i++) {
      v[i] = (byte) 0xAB; // the 8-byte fingerprint of the writer's schema
    }
    assertDeadLettered("unknown-schema", v, "unknown schema");
  }

  @Test
  void topKOutsideTheModelsClasses() throws Exception {
    byte[] v =
        events.encode(event("top-k").setTopK(5000).setImageBytes(ByteBuffer.wrap(cat)).build());
    assertDeadLettered("top-k", v, "top_k=5000", "1..1000");
  }

  @Test
  void httpHostOutsideTheAllowListIsNeverRequested() throws Exception {
    int before = imageHits.get();
    assertDeadLettered(
        "http-refused",
        uri("http-refused", refusedBase + "/cat.jpg"),
        "not in image.uri.allowed.hosts");
    assertEquals(before, imageHits.get(), "no request may reach a host outside the allow-list");
  }

  @Test
  void redirectsAreNotFollowed() throws Exception {
    int before = imageHits.get();
    assertDeadLettered(
        "redirect",
        uri("redirect", allowedBase + "/redirect"),
        "HTTP 302",
        "redirects are not followed");
    assertEquals(1, redirectHits.get());
    assertEquals(before, imageHits.get(), "the redirect's target must not be requested");
  }

  @Test
  void otherSchemesAreRefused() throws Exception {
    assertDeadLettered("ftp", uri("ftp", "ftp://localhost/cat.jpg"), "scheme 'ftp' is not allowed");
    assertDeadLettered(
        "jar",
        uri("jar", "jar:file:" + root.resolve("x.jar") + "!/cat.jpg"),
        "scheme 'jar' is not allowed");
  }

  @Test
  void allowedHttpUriWorks() throws Exception {
    int before = imageHits.get();
    SaliencyTensor t = assertProcessed("http-ok", uri("http-ok", allowedBase + "/cat.jpg"));
    assertEquals(455, t.getOriginalWidth());
    assertEquals(before + 1, imageHits.get());
  }

  @Test
  void fileOutsideTheRoot() throws Exception {
    assertDeadLettered(
        "file-outside",
        uri("file-outside", outside.resolve("cat.jpg").toUri().toString()),
        "outside image.uri.file.root");
  }

  @Test
  void fileEscapingTheRootWithDotDot() throws Exception {
    String escape = root.toUri() + "../outside/cat.jpg";
    assertTrue(escape.contains("/root/../outside/"), escape);
    assertDeadLettered("file-dotdot", uri("file-dotdot", escape), "outside image.uri.file.root");
    String encoded = root.toUri() + "%2e%2e/outside/cat.jpg";
    assertDeadLettered(
        "file-dotdot-encoded", uri("file-dotdot-encoded", encoded), "outside image.uri.file.root");
  }

  @Test
  void fileEscapingTheRootThroughASymbolicLink() throws Exception {
    assertDeadLettered(
        "file-link",
        uri("file-link", root.resolve("link.jpg").toUri().toString()),
        "symbolic link");
  }

  @Test
  void fileWithAHostOrMissing() throws Exception {
    assertDeadLettered(
        "file-host",
        uri("file-host", "file://otherhost" + root.resolve("cat.jpg")),
        "not a local file path");
    assertDeadLettered(
        "file-missing",
        uri("file-missing", root.resolve("nope.jpg").toUri().toString()),
        "no such file");
  }

  @Test
  void allowedFileUriWorks() throws Exception {
    SaliencyTensor t =
        assertProcessed("file-ok", uri("file-ok", root.resolve("cat.jpg").toUri().toString()));
    assertEquals(256, t.getOriginalHeight());
  }

  @Test
  void aMissingModelSaysWhatToDo() throws Exception {
    Settings missing =
        settings.with("saliency.model", tmp.resolve("nowhere/model.json").toString());
    var e = assertThrows(IllegalArgumentException.class, () -> new SaliencyService(missing));
    assertTrue(
        e.getMessage().contains("no such model") && e.getMessage().contains("bundled"),
        e.getMessage());

    Path dir = Files.createDirectories(tmp.resolve("broken-model"));
    Files.writeString(
        dir.resolve("model.json"),
        "{\"input_size\": 224, \"mean\": [0.5, 0.5, 0.5], " + "\"std\": [0.5, 0.5, 0.5]}");
    Files.writeString(dir.resolve("imagenet_classes.txt"), "a\nb\n");
    Settings noFile = settings.with("saliency.model", dir.resolve("model.json").toString());
    var e2 = assertThrows(IllegalStateException.class, () -> new SaliencyService(noFile));
    assertTrue(e2.getMessage().contains("model file not found"), e2.getMessage());

    Files.writeString(dir.resolve("model.pt"), "this is not TorchScript");
    Settings garbage = settings.with("saliency.model", dir.resolve("model.json").toString());
    var e3 = assertThrows(IllegalStateException.class, () -> new SaliencyService(garbage));
    assertTrue(e3.getMessage().contains("TorchScript"), e3.getMessage());
  }

  /**
   * A valid PNG signature and IHDR declaring w x h, then an empty IDAT: a decompression bomb's
   * header.
   */
  static byte[] pngDeclaring(int w, int h) {
    ByteBuffer b = ByteBuffer.allocate(64);
    b.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
    ByteBuffer ihdr = ByteBuffer.allocate(17);
    ihdr.put(new byte[] {'I', 'H', 'D', 'R'})
        .putInt(w)
        .putInt(h)
        .put((byte) 8)
        .put((byte) 2)
        .put((byte) 0)
        .put((byte) 0)
        .put((byte) 0);
    b.putInt(13).put(ihdr.array());
    CRC32 crc = new CRC32();
    crc.update(ihdr.array());
    b.putInt((int) crc.getValue());
    b.putInt(0).put(new byte[] {'I', 'D', 'A', 'T'});
    CRC32 c2 = new CRC32();
    c2.update(new byte[] {'I', 'D', 'A', 'T'});
    b.putInt((int) c2.getValue());
    return Arrays.copyOf(b.array(), b.position());
  }
}
