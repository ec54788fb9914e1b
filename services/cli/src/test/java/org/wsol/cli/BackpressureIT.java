package org.wsol.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.zip.CRC32;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wsol.broker.EmbeddedBroker;
import org.wsol.cli.chaos.ServiceProcess;
import org.wsol.common.avro.AvroCodec;
import org.wsol.common.config.Settings;
import org.wsol.common.image.RgbImages;
import org.wsol.common.kafka.TopicTail;
import org.wsol.common.kafka.Topics;
import org.wsol.saliency.service.SaliencyService;
import org.wsol.schema.ImageEvent;

/**
 * A burst of images that together weigh more than twice the saliency service's whole heap, sent
 * faster than it can compute: it must fetch only as it goes (the backlog waits in Kafka, not in the
 * process) and finish them all. A service that queued what it fetched would die of
 * OutOfMemoryError.
 */
class BackpressureIT {
  // 28 x 7 MB = 206 MB through a 96 MB heap (the service alone peaks near 50 MB while loading the
  // model).
  static final int IMAGES = 28;
  static final int IMAGE_BYTES = 7 << 20;
  static final int HEAP_MB = 96;
  static final String HEAP = "-Xmx" + HEAP_MB + "m";

  @TempDir Path tmp;

  @Test
  void burstLargerThanTheHeapIsProcessedWithoutQueueing() throws Exception {
    try (EmbeddedBroker broker = EmbeddedBroker.start()) {
      Settings s =
          Settings.load(
              null,
              Map.of(),
              Map.of("bootstrap.servers", broker.bootstrapServers(), "topic.partitions", "2"));
      Topics topics = Topics.from(s);
      topics.ensureExist(s);
      // The whole burst is written before the service starts, so the backlog is in Kafka whatever
      // the speed of the machine (a burst sent to a running service could be drained as it arrives
      // on a fast one, and then proves nothing).
      var p = s.producer();
      p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(IMAGE_BYTES + (1 << 20)));
      p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
      AvroCodec<ImageEvent> events = new AvroCodec<>(ImageEvent.class);
      long sent = 0;
      long t0 = System.nanoTime();
      try (KafkaProducer<byte[], byte[]> producer =
          new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
        for (int i = 0; i < IMAGES; i++) {
          String id = "big-" + i;
          byte[] v = events.encode(Faults.imageEvent(id, heavyPng(i), 1));
          sent += v.length;
          producer.send(
              new ProducerRecord<>(topics.images(), id.getBytes(StandardCharsets.UTF_8), v));
        }
      }
      assertTrue(
          sent > 2L * HEAP_MB * 1024 * 1024, "the burst must outweigh twice the heap: " + sent);
      long burst = System.nanoTime();
      try (ServiceProcess saliency =
              ServiceProcess.start(
                  "saliency",
                  List.of(HEAP, "-XX:+ExitOnOutOfMemoryError"),
                  Faults.quickSaliency(broker.bootstrapServers()),
                  tmp.resolve("saliency.log"));
          TopicTail out = new TopicTail(s, topics.saliency());
          Admin admin = Admin.create(s.kafka())) {
        long maxLag = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        Set<String> done = Set.of();
        while (done.size() < IMAGES && System.nanoTime() < deadline && saliency.isAlive()) {
          maxLag = Math.max(maxLag, Faults.lag(admin, SaliencyService.GROUP, topics.images()));
          done =
              out.records().stream()
                  .map(r -> new String(r.key(), StandardCharsets.UTF_8))
                  .collect(Collectors.toSet());
          Thread.sleep(250);
        }
        assertFalse(saliency.output().contains("OutOfMemoryError"), saliency.tail());
        assertTrue(saliency.isAlive(), "the saliency service died:\n" + saliency.tail());
        assertEquals(IMAGES, done.size(), "every image of the burst gets its map");
        assertTrue(
            maxLag >= IMAGES / 4,
            "the backlog should have waited in Kafka; max lag seen " + maxLag);
        System.out.printf(
            "BackpressureIT: %d images, %.0f MB through a %s heap; max backlog seen in Kafka %d images; "
                + "burst sent in %.1f s, all processed %.1f s later%n",
            IMAGES,
            sent / 1e6,
            HEAP,
            maxLag,
            (burst - t0) / 1e9,
            (System.nanoTime() - burst) / 1e9);
      }
    }
  }

  /**
   * A small photo carrying {@link #IMAGE_BYTES} of opaque data in a private ancillary PNG chunk (as
   * large EXIF or ICC blocks do): heavy on the wire and in a fetch buffer, quick for the model.
   */
  static byte[] heavyPng(int seed) throws Exception {
    byte[] png = RgbImages.png(RgbImages.decode(Faults.photo(160, 120, seed), 1 << 20, 1 << 20));
    byte[] payload = new byte[IMAGE_BYTES];
    new Random(seed).nextBytes(payload);
    byte[] type = "wsOl".getBytes(StandardCharsets.US_ASCII);
    CRC32 crc = new CRC32();
    crc.update(type);
    crc.update(payload);
    ByteArrayOutputStream out = new ByteArrayOutputStream(png.length + payload.length + 12);
    int afterIhdr = 8 + 25; // signature, then IHDR: length, type, 13 bytes, CRC
    out.write(png, 0, afterIhdr);
    out.write(ByteBuffer.allocate(8).putInt(payload.length).put(type).array());
    out.write(payload);
    out.write(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    out.write(png, afterIhdr, png.length - afterIhdr);
    return out.toByteArray();
  }
}
