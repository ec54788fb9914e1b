package org.wsol.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import org.wsol.broker.EmbeddedBroker;
import org.wsol.cli.chaos.ServiceProcess;
import org.wsol.common.avro.AvroCodec;
import org.wsol.common.config.Settings;
import org.wsol.common.kafka.TopicTail;
import org.wsol.common.kafka.Topics;
import org.wsol.results.service.ResultsService;
import org.wsol.saliency.service.SaliencyService;
import org.wsol.schema.ImageEvent;
import org.wsol.segmenter.service.SegmenterService;
import picocli.CommandLine;

/**
 * The saliency service (its own process) is killed with SIGKILL mid-stream and started again, and
 * some images are sent twice (a producer retrying): no image is lost, and the replayed and
 * duplicated saliency maps reach the results service without doubling any result. A bad image on
 * the way is dead-lettered, and {@code ./wsol dead-letters} lists it.
 */
class SaliencyRestartIT {
  static final int IMAGES = 12;
  static final int RESENT = 3;

  @TempDir Path tmp;

  @Test
  void restartedSaliencyLosesNothingAndDuplicatesDoNotDoubleResults() throws Exception {
    try (EmbeddedBroker broker = EmbeddedBroker.start()) {
      Settings s =
          Settings.load(
              null,
              Map.of(),
              Map.of(
                  "bootstrap.servers",
                  broker.bootstrapServers(),
                  "results.http.port",
                  "0",
                  "metrics.port",
                  "0"));
      Topics topics = Topics.from(s);
      AvroCodec<ImageEvent> events = new AvroCodec<>(ImageEvent.class);
      topics.ensureExist(s);
      ServiceProcess second = null;
      KafkaProducer<byte[], byte[]> producer =
          new KafkaProducer<>(s.producer(), new ByteArraySerializer(), new ByteArraySerializer());
      // Every image is written before the saliency process starts, so that its first poll (8
      // records) holds two
      // batches of 4: the first batch's maps are sent while the second is computed, and the commit
      // waits for both.
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < IMAGES; i++) {
        String id = "img-" + i;
        ids.add(id);
        producer.send(
            new ProducerRecord<>(
                topics.images(),
                id.getBytes(StandardCharsets.UTF_8),
                events.encode(Faults.imageEvent(id, Faults.photo(200, 150, i), 1))));
      }
      byte[] notAnImage =
          events.encode(
              Faults.imageEvent("not-an-image", "plain text".getBytes(StandardCharsets.UTF_8), 1));
      producer.send(
          new ProducerRecord<>(
              topics.images(), "not-an-image".getBytes(StandardCharsets.UTF_8), notAnImage));
      producer.flush();
      List<String> firstArgs = new ArrayList<>(Faults.quickSaliency(broker.bootstrapServers()));
      firstArgs.addAll(List.of("--set", "saliency.batch.size=4"));
      ServiceProcess first =
          ServiceProcess.start(
              "saliency-1", List.of("-Xmx512m"), firstArgs, tmp.resolve("saliency-1.log"));
      try (producer;
          SegmenterService segmenter = new SegmenterService(s).start();
          ResultsService results = new ResultsService(s).start();
          TopicTail saliency = new TopicTail(s, topics.saliency());
          TopicTail resultTail = new TopicTail(s, topics.results())) {
        first.awaitOutput("running; stop with Ctrl-C", Duration.ofSeconds(120));

        // Killed once its first batch's maps are out: its second batch is being computed, nothing
        // committed yet.
        saliency.await(rs -> rs.size() >= 3, Duration.ofSeconds(120));
        first.kill();
        int mapsAtKill = saliency.records().size();
        for (int i = 0; i < RESENT; i++) { // upstream duplicates: the same images again
          String id = "img-" + i;
          producer.send(
              new ProducerRecord<>(
                  topics.images(),
                  id.getBytes(StandardCharsets.UTF_8),
                  events.encode(Faults.imageEvent(id, Faults.photo(200, 150, i), 1))));
        }
        producer.flush();
        second =
            ServiceProcess.start(
                "saliency-2",
                List.of("-Xmx512m"),
                Faults.quickSaliency(broker.bootstrapServers()),
                tmp.resolve("saliency-2.log"));
        second.awaitOutput("running; stop with Ctrl-C", Duration.ofSeconds(120));

        Faults.awaitCaughtUp(s, SaliencyService.GROUP, topics.images(), Duration.ofSeconds(180));
        Faults.awaitCaughtUp(s, SegmenterService.GROUP, topics.saliency(), Duration.ofSeconds(120));
        Faults.awaitCaughtUp(
            s, ResultsService.APPLICATION_ID, topics.boxes(), Duration.ofSeconds(60));
        int maps = saliency.records().size();
        assertTrue(
            maps >= IMAGES + RESENT, "every image and every duplicate gets its map: " + maps);
        // The replay happened: an image that was sent once has more than one map (the first process
        // sent it, the
        // second redid it because the first had not committed it).
        Map<String, Integer> mapsPerImage = new java.util.HashMap<>();
        saliency
            .records()
            .forEach(
                r ->
                    mapsPerImage.merge(
                        new String(r.key(), StandardCharsets.UTF_8), 1, Integer::sum));
        List<String> replayed =
            ids.subList(RESENT, IMAGES).stream()
                .filter(id -> mapsPerImage.getOrDefault(id, 0) > 1)
                .toList();
        assertFalse(
            replayed.isEmpty(),
            "no image sent once was replayed: the kill did not land between the maps "
                + "and the commit ("
                + mapsAtKill
                + " maps at the kill; per image "
                + mapsPerImage
                + ")");
        // The image that is not one ends too: one result of status rejected, however often it was
        // replayed.
        String summary =
            Faults.assertExactlyOneResult(
                Faults.awaitThenQuiet(
                    resultTail, IMAGES + 1, Duration.ofSeconds(3), Duration.ofSeconds(60)),
                ids,
                List.of("not-an-image"));

        // ./wsol dead-letters finds the one bad record, with its reason, and saves its original
        // bytes.
        PrintStream stdout = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        int rc;
        try {
          rc =
              new CommandLine(new Main())
                  .execute(
                      "dead-letters",
                      "-b",
                      broker.bootstrapServers(),
                      "--save",
                      tmp.resolve("dead").toString());
        } finally {
          System.setOut(stdout);
        }
        String listing = printed.toString(StandardCharsets.UTF_8);
        assertEquals(0, rc, listing);
        assertTrue(
            listing.contains("key=not-an-image")
                && listing.contains("unsupported or unrecognised image format"),
            listing);
        assertTrue(listing.contains("dead-letters: 1 on dead-letter"), listing);
        try (Stream<Path> saved = Files.list(tmp.resolve("dead"))) {
          assertArrayEquals(notAnImage, Files.readAllBytes(saved.findFirst().orElseThrow()));
        }
        System.out.printf(
            "SaliencyRestartIT: %d images (+%d sent twice), saliency killed after %d maps, "
                + "%d saliency maps in all, %d images sent once replayed; %s%n",
            IMAGES, RESENT, mapsAtKill, maps, replayed.size(), summary);
      } finally {
        first.close();
        if (second != null) {
          second.close();
        }
      }
    }
  }
}
