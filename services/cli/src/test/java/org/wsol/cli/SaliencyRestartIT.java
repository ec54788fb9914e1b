package org.wsol.cli;

import org.wsol.cli.chaos.ServiceProcess;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wsol.common.avro.AvroCodec;
import org.wsol.common.broker.EmbeddedBroker;
import org.wsol.common.config.Settings;
import org.wsol.common.kafka.TopicTail;
import org.wsol.common.kafka.Topics;
import org.wsol.results.service.ResultsService;
import org.wsol.saliency.service.SaliencyService;
import org.wsol.schema.ImageEvent;
import org.wsol.segmenter.service.SegmenterService;
import picocli.CommandLine;

/**
 * The saliency service (its own process) is killed with SIGKILL mid-stream and started again, and some images
 * are sent twice (a producer retrying): no image is lost, and the replayed and duplicated saliency maps reach
 * the results service without doubling any result. A bad image on the way is dead-lettered, and
 * {@code ./wsol dead-letters} lists it.
 */
class SaliencyRestartIT {
  static final int IMAGES = 12;
  static final int RESENT = 3;

  @TempDir Path tmp;

  @Test
  void restartedSaliencyLosesNothingAndDuplicatesDoNotDoubleResults() throws Exception {
    try (EmbeddedBroker broker = EmbeddedBroker.start()) {
      Settings s = Settings.load(null, Map.of(), Map.of("bootstrap.servers", broker.bootstrapServers(),
          "results.http.port", "0", "metrics.port", "0"));
      Topics topics = Topics.from(s);
      AvroCodec<ImageEvent> events = new AvroCodec<>(ImageEvent.class);
      ServiceProcess second = null;
      ServiceProcess first = ServiceProcess.start("saliency-1", List.of("-Xmx512m"),
          Faults.quickSaliency(broker.bootstrapServers()), tmp.resolve("saliency-1.log"));
      try (SegmenterService segmenter = new SegmenterService(s).start();
          ResultsService results = new ResultsService(s).start();
          TopicTail saliency = new TopicTail(s, topics.saliency());
          TopicTail resultTail = new TopicTail(s, topics.results());
          KafkaProducer<byte[], byte[]> producer =
              new KafkaProducer<>(s.producer(), new ByteArraySerializer(), new ByteArraySerializer())) {
        first.awaitOutput("running; stop with Ctrl-C", Duration.ofSeconds(120));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < IMAGES; i++) {
          String id = "img-" + i;
          ids.add(id);
          producer.send(new ProducerRecord<>(topics.images(), id.getBytes(StandardCharsets.UTF_8),
              events.encode(Faults.imageEvent(id, Faults.photo(200, 150, i), 1))));
        }
        byte[] notAnImage = events.encode(Faults.imageEvent("not-an-image", "plain text".getBytes(StandardCharsets.UTF_8), 1));
        producer.send(new ProducerRecord<>(topics.images(), "not-an-image".getBytes(StandardCharsets.UTF_8), notAnImage));
        producer.flush();

        saliency.await(rs -> rs.size() >= 3, Duration.ofSeconds(120));
        first.kill();
        for (int i = 0; i < RESENT; i++) { // upstream duplicates: the same images again
          String id = "img-" + i;
          producer.send(new ProducerRecord<>(topics.images(), id.getBytes(StandardCharsets.UTF_8),
              events.encode(Faults.imageEvent(id, Faults.photo(200, 150, i), 1))));
        }
        producer.flush();
        second = ServiceProcess.start("saliency-2", List.of("-Xmx512m"),
            Faults.quickSaliency(broker.bootstrapServers()), tmp.resolve("saliency-2.log"));
        second.awaitOutput("running; stop with Ctrl-C", Duration.ofSeconds(120));

        Faults.awaitCaughtUp(s, SaliencyService.GROUP, topics.images(), Duration.ofSeconds(180));
        Faults.awaitCaughtUp(s, SegmenterService.GROUP, topics.saliency(), Duration.ofSeconds(120));
        Faults.awaitCaughtUp(s, ResultsService.APPLICATION_ID, topics.boxes(), Duration.ofSeconds(60));
        int maps = saliency.records().size();
        assertTrue(maps >= IMAGES + RESENT, "every image and every duplicate gets its map: " + maps);
        // The image that is not one ends too: one result of status rejected, however often it was replayed.
        String summary = Faults.assertExactlyOneResult(
            resultTail.await(rs -> rs.size() >= IMAGES + 1, Duration.ofSeconds(60)), ids, List.of("not-an-image"));

        // ./wsol dead-letters finds the one bad record, with its reason, and saves its original bytes.
        PrintStream stdout = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        int rc;
        try {
          rc = new CommandLine(new Main()).execute("dead-letters", "-b", broker.bootstrapServers(),
              "--save", tmp.resolve("dead").toString());
        } finally {
          System.setOut(stdout);
        }
        String listing = printed.toString(StandardCharsets.UTF_8);
        assertEquals(0, rc, listing);
        assertTrue(listing.contains("key=not-an-image") && listing.contains("unsupported or unrecognised image format"),
            listing);
        assertTrue(listing.contains("dead-letters: 1 on dead-letter"), listing);
        try (Stream<Path> saved = Files.list(tmp.resolve("dead"))) {
          assertArrayEquals(notAnImage, Files.readAllBytes(saved.findFirst().orElseThrow()));
        }
        System.out.printf("SaliencyRestartIT: %d images (+%d sent twice), saliency killed after %s maps, "
            + "%d saliency maps in all; %s%n", IMAGES, RESENT, "3+", maps, summary);
      } finally {
        first.close();
        if (second != null) {
          second.close();
        }
      }
    }
  }
}
