package org.wsol.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wsol.broker.EmbeddedBroker;
import org.wsol.cli.chaos.ServiceProcess;
import org.wsol.cli.local.ImageProducer;
import org.wsol.common.avro.WireFormat;
import org.wsol.common.config.Defaults;
import org.wsol.common.config.Settings;
import org.wsol.common.kafka.TopicTail;
import org.wsol.common.kafka.Topics;
import org.wsol.results.service.ResultsService;
import org.wsol.saliency.service.SaliencyService;
import org.wsol.schema.LocalizationResult;
import org.wsol.segmenter.service.SegmenterService;
import picocli.CommandLine;

/**
 * Kafka TLS and SASL settings reach every client, and no secret reaches the logs.
 *
 * <p>The broker's only client listener speaks TLS (SASL/PLAIN over TLS with client certificates
 * required, or TLS alone), with a keystore this test makes. The {@code kafka.*} settings come from
 * a properties file, as a user would give them; a client that missed any of them could not connect:
 * its service would fail to start or the image would get no result. What runs on it: the three
 * services (their admin, consumers, producers, Kafka Streams' clients and the live-results
 * consumer), the CLI's {@code produce} (in a JVM of its own, with Kafka's client logging at INFO),
 * {@code subscribe} and {@code config}, {@link TopicTail} and {@link Topics#ensureExist}. Clients
 * without the settings, or with a wrong password, fail with an error that says what to check.
 */
class SecurityIT {
  static final Path PHOTO = PipelineFixture.PHOTOS.resolve("owl.jpg");
  @TempDir static Path dir;
  static TestCertificates certs;
  static final String USER = "wsol-app";
  static final String USER_PASSWORD = "pw-" + UUID.randomUUID();
  static final String WRONG_PASSWORD = "wrong-" + UUID.randomUUID();
  static final Capture LOG = new Capture();

  @BeforeAll
  static void makeCertificates() throws Exception {
    long t0 = System.nanoTime();
    certs = TestCertificates.create(dir);
    System.out.printf(
        "SecurityIT: keystore and truststore made in %d ms%n",
        (System.nanoTime() - t0) / 1_000_000);
    LOG.start();
  }

  @AfterAll
  static void stopCapture() {
    LOG.stop();
  }

  @Test
  void pipelineAndCliRunOverSaslSslWithClientCertificates() throws Exception {
    EmbeddedBroker.Security security =
        EmbeddedBroker.Security.tls(
                certs.keystore(),
                certs.keystorePassword(),
                certs.truststore(),
                certs.truststorePassword())
            .requiringClientCertificate()
            .withSaslPlain(Map.of(USER, USER_PASSWORD));
    try (EmbeddedBroker broker = EmbeddedBroker.start(security)) {
      assertLoopbackOnly(broker.port());
      Map<String, String> client = new LinkedHashMap<>(tlsClient(true));
      client.put("kafka.security.protocol", "SASL_SSL");
      client.put("kafka.sasl.mechanism", "PLAIN");
      client.put("kafka.sasl.jaas.config", jaas(USER, USER_PASSWORD));
      Path conf = writeConfig(dir.resolve("sasl.properties"), broker, client);
      Settings s = Settings.load(conf, Map.of(), Map.of());

      // Without the client certificate, or with a wrong password, the broker says no, at once.
      assertRefused(
          without(
              s,
              "kafka.ssl.keystore.location",
              "kafka.ssl.keystore.password",
              "kafka.ssl.key.password",
              "kafka.ssl.keystore.type"),
          "TLS handshake failed");
      assertRefused(
          s.with("kafka.sasl.jaas.config", jaas(USER, WRONG_PASSWORD)), "refused the login");

      try (SaliencyService saliency = new SaliencyService(s).start();
          SegmenterService segmenter = new SegmenterService(s).start();
          ResultsService results = new ResultsService(s).start()) {
        awaitTrue(results::isReady, Duration.ofSeconds(60), "results service RUNNING");
        assertLoopbackOnly(results.httpPort());
        HttpClient http = HttpClient.newHttpClient();
        // The live stream's consumer must pass the settings too: its event is the first thing
        // checked.
        HttpResponse<Stream<String>> sse =
            http.sendAsync(
                    HttpRequest.newBuilder(
                            URI.create(
                                "http://127.0.0.1:" + results.httpPort() + "/images/stream?id=owl"))
                        .GET()
                        .build(),
                    HttpResponse.BodyHandlers.ofLines())
                .get(10, TimeUnit.SECONDS);
        CompletableFuture<String> event =
            CompletableFuture.supplyAsync(
                () -> sse.body().filter(l -> l.startsWith("data: ")).findFirst().orElse(""));
        Thread.sleep(
            1_000); // the stream's consumer seeks to the end of the results topic as it starts

        // Client commands log to .wsol/<command>.log; here to the process's output, which the test
        // reads.
        ServiceProcess produce =
            ServiceProcess.start(
                "produce",
                List.of(
                    "-Xmx256m",
                    "-Dorg.slf4j.simpleLogger.log.org.apache.kafka=info",
                    "-Dorg.slf4j.simpleLogger.logFile=System.err"),
                List.of("produce", "--config", conf.toString(), "--top-k", "1", PHOTO.toString()),
                dir.resolve("produce.log"));
        try {
          produce.awaitOutput("sent 1 images to", Duration.ofSeconds(60));
        } finally {
          produce.close();
          LOG.add(produce.output());
        }

        try (TopicTail tail = new TopicTail(s, s.get("topic.results"))) {
          LocalizationResult r =
              WireFormat.from(s)
                  .serde(LocalizationResult.class)
                  .deserializer()
                  .deserialize(
                      s.get("topic.results"), tail.awaitKey("owl", Duration.ofSeconds(90)).value());
          assertTrue(r.getComplete(), "a complete result, missing ranks " + r.getMissingRanks());
          assertFalse(r.getBoxes().isEmpty(), "a box for the top class");
          assertTrue(
              r.getBoxes().stream().allMatch(b -> b.getBox() != null),
              "every class has its box: " + r);
        }
        assertTrue(
            event.get(30, TimeUnit.SECONDS).contains("\"image_id\":\"owl\""), "live stream event");
        assertEquals(
            200,
            http.send(
                    HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + results.httpPort() + "/images/owl"))
                        .GET()
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .statusCode());

        String subscribed =
            cli(
                "subscribe",
                "--config",
                conf.toString(),
                "--from-beginning",
                "--limit",
                "1",
                "--id",
                "owl");
        assertTrue(
            subscribed.contains("\"image_id\":\"owl\""),
            "wsol subscribe read the result:\n" + subscribed);
        String shown = cli("config", "--config", conf.toString());
        assertTrue(shown.contains("kafka.ssl.keystore.password=[hidden]"), shown);
        assertTrue(shown.contains("kafka.sasl.jaas.config=[hidden]"), shown);
        assertTrue(
            shown.contains("kafka.ssl.keystore.location=" + certs.keystore()),
            "non-secrets are shown: " + shown);
        assertEquals(0, saliency.runner().failedCount(), "nothing dead-lettered");
      }
    }
    String produceLog = Files.readString(dir.resolve("produce.log"));
    // Kafka's own configuration dump was in the log (INFO in that JVM): masked there too.
    assertTrue(
        produceLog.contains("ssl.keystore.password = [hidden]")
            && produceLog.contains("sasl.jaas.config = [hidden]"),
        "the producer's configuration was logged, masked:\n"
            + PipelineFixture.tail(produceLog, 3000));
    assertNoSecrets(LOG.text());
  }

  @Test
  void tlsListenerServesTheCliClientsAndRefusesPlaintext() throws Exception {
    EmbeddedBroker.Security security =
        EmbeddedBroker.Security.tls(
            certs.keystore(),
            certs.keystorePassword(),
            certs.truststore(),
            certs.truststorePassword());
    try (EmbeddedBroker broker = EmbeddedBroker.start(security)) {
      assertLoopbackOnly(broker.port());
      Map<String, String> client = new LinkedHashMap<>(tlsClient(false));
      client.put("kafka.security.protocol", "SSL");
      Settings s =
          Settings.load(
              writeConfig(dir.resolve("tls.properties"), broker, client), Map.of(), Map.of());

      // Without the TLS settings a client cannot talk to the broker: a clear error once its timeout
      // (4 s) is up.
      Settings plain =
          Settings.of(Defaults.VALUES)
              .with("bootstrap.servers", broker.bootstrapServers())
              .with("kafka.default.api.timeout.ms", "4000")
              .with("kafka.request.timeout.ms", "3000");
      assertRefused(plain, "if it needs TLS or SASL, set kafka.security.protocol");
      // TLS without the truststore: the broker's certificate is not trusted.
      assertRefused(
          without(
              s,
              "kafka.ssl.truststore.location",
              "kafka.ssl.truststore.password",
              "kafka.ssl.truststore.type"),
          "TLS handshake failed");

      Topics.from(s).ensureExist(s);
      try (ImageProducer producer = new ImageProducer(s)) {
        producer.sendFile("owl-tls", PHOTO, 1, null).get(30, TimeUnit.SECONDS);
      }
      try (TopicTail tail = new TopicTail(s, s.get("topic.images"))) {
        assertTrue(
            tail.awaitKey("owl-tls", Duration.ofSeconds(30)).value().length > 1000,
            "the image event");
      }
    }
    assertNoSecrets(LOG.text());
  }

  /**
   * Client settings for TLS: the truststore, and with {@code certificate} the keystore with the
   * client's key.
   */
  static Map<String, String> tlsClient(boolean certificate) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("kafka.ssl.truststore.location", certs.truststore().toString());
    m.put("kafka.ssl.truststore.password", certs.truststorePassword());
    m.put("kafka.ssl.truststore.type", "PKCS12");
    if (certificate) {
      m.put("kafka.ssl.keystore.location", certs.keystore().toString());
      m.put("kafka.ssl.keystore.password", certs.keystorePassword());
      m.put("kafka.ssl.key.password", certs.keystorePassword());
      m.put("kafka.ssl.keystore.type", "PKCS12");
    }
    return m;
  }

  static Settings without(Settings s, String... keys) {
    Map<String, String> m = new LinkedHashMap<>(s.asMap());
    List.of(keys).forEach(m::remove);
    return Settings.of(m);
  }

  static String jaas(String user, String password) {
    return "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
        + user
        + "\" password=\""
        + password
        + "\";";
  }

  /**
   * A properties file as a user writes it: the broker, quick pipeline settings, and the security
   * settings.
   */
  static Path writeConfig(Path file, EmbeddedBroker broker, Map<String, String> security)
      throws IOException {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("bootstrap.servers", broker.bootstrapServers());
    m.putAll(
        Map.of(
            "topic.partitions",
            "1",
            "saliency.ten.crop",
            "false",
            "saliency.batch.linger.ms",
            "0",
            "metrics.port",
            "0",
            "results.http.port",
            "0"));
    m.putAll(security);
    StringBuilder text = new StringBuilder();
    m.forEach((k, v) -> text.append(k).append('=').append(v.replace("\\", "\\\\")).append('\n'));
    return Files.writeString(file, text);
  }

  /**
   * Topic creation (an admin client) with these settings fails within seconds, saying what to
   * check.
   */
  static void assertRefused(Settings s, String hint) {
    long t0 = System.nanoTime();
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> Topics.from(s).ensureExist(s));
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(e.getMessage().contains(hint), e.getMessage());
    assertTrue(ms < 30_000, "refused after " + ms + " ms");
    System.out.printf("SecurityIT: refused in %d ms: %s%n", ms, e.getMessage());
  }

  /** Nothing listens on {@code port} at this machine's other addresses (when it has one). */
  static void assertLoopbackOnly(int port) throws IOException {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      assertTrue(s.isConnected());
    }
    Optional<InetAddress> outside = Optional.empty();
    for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (nif.isUp() && !nif.isLoopback()) {
        outside =
            outside.or(
                () ->
                    Collections.list(nif.getInetAddresses()).stream()
                        .filter(a -> a instanceof java.net.Inet4Address && !a.isLoopbackAddress())
                        .findFirst());
      }
    }
    if (outside.isPresent()) {
      InetSocketAddress there = new InetSocketAddress(outside.get(), port);
      assertThrows(
          IOException.class,
          () -> {
            try (Socket s = new Socket()) {
              s.connect(there, 2000);
            }
          },
          "port " + port + " answers on " + there + ": it must listen on loopback only");
    }
  }

  static void assertNoSecrets(String log) {
    assertTrue(log.length() > 1000, "the run's log was captured (" + log.length() + " chars)");
    for (String secret :
        List.of(
            certs.keystorePassword(), certs.truststorePassword(), USER_PASSWORD, WRONG_PASSWORD)) {
      int at = log.indexOf(secret);
      assertEquals(
          -1,
          at,
          () -> "a secret is in the log: ..." + log.substring(Math.max(0, at - 300), at) + "...");
    }
  }

  /** Runs a wsol command in this JVM; returns what it printed (also kept in the captured log). */
  static String cli(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream old = System.out;
    int code;
    try {
      System.setOut(new PrintStream(new Tee(old, out), true, StandardCharsets.UTF_8));
      code = new CommandLine(new Main()).execute(args);
    } finally {
      System.setOut(old);
    }
    String printed = out.toString(StandardCharsets.UTF_8);
    assertEquals(0, code, "wsol " + String.join(" ", args) + " failed:\n" + printed);
    return printed;
  }

  static void awaitTrue(java.util.function.BooleanSupplier condition, Duration timeout, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, what + " within " + timeout);
      Thread.sleep(100);
    }
  }

  /**
   * Everything this JVM prints (stdout and stderr, where slf4j-simple logs) while it runs, still
   * printed too.
   */
  static final class Capture {
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private final List<String> more = Collections.synchronizedList(new ArrayList<>());
    private PrintStream out;
    private PrintStream err;

    void start() {
      out = System.out;
      err = System.err;
      System.setOut(new PrintStream(new Tee(out, buffer), true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(new Tee(err, buffer), true, StandardCharsets.UTF_8));
    }

    void add(String text) {
      more.add(text);
    }

    String text() {
      synchronized (buffer) {
        return buffer.toString(StandardCharsets.UTF_8) + String.join("\n", more);
      }
    }

    void stop() {
      if (out != null) {
        System.setOut(out);
        System.setErr(err);
      }
    }
  }

  static final class Tee extends OutputStream {
    private final OutputStream a;
    private final OutputStream b;

    Tee(OutputStream a, OutputStream b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public void write(int c) throws IOException {
      write(new byte[] {(byte) c}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int off, int len) throws IOException {
      a.write(bytes, off, len);
      synchronized (b) {
        b.write(bytes, off, len);
      }
    }

    @Override
    public void flush() throws IOException {
      a.flush();
    }
  }
}
