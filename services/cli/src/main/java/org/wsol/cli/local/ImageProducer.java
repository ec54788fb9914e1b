package org.wsol.cli.local;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.wsol.cli.eval.CsvLines;
import org.wsol.common.avro.WireFormat;
import org.wsol.common.config.Settings;
import org.wsol.common.kafka.Topics;
import org.wsol.schema.Box;
import org.wsol.schema.GroundTruth;
import org.wsol.schema.ImageEvent;

/** Turns files, folders and URIs into ImageEvents on the images topic. */
public final class ImageProducer implements AutoCloseable {
  public static final List<String> EXTENSIONS = List.of(".jpg", ".jpeg", ".png", ".bmp", ".gif");
  private final KafkaProducer<String, ImageEvent> producer;
  private final String topic;

  public ImageProducer(Settings settings) {
    Properties p = settings.producer();
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.maxRecordBytes(settings));
    this.producer =
        new KafkaProducer<>(
            p,
            new StringSerializer(),
            WireFormat.from(settings).serde(ImageEvent.class).serializer());
    this.topic = Topics.from(settings).images();
  }

  /** Image files under the given files and folders (folders recursively, sorted by name). */
  public static List<Path> expand(List<Path> inputs) throws IOException {
    List<Path> out = new ArrayList<>();
    for (Path in : inputs) {
      if (Files.isDirectory(in)) {
        try (Stream<Path> s = Files.walk(in)) {
          s.filter(Files::isRegularFile).filter(ImageProducer::isImage).sorted().forEach(out::add);
        }
      } else if (Files.isRegularFile(in)) {
        out.add(in);
      } else {
        throw new IllegalArgumentException(in + " does not exist: give image files or folders");
      }
    }
    return out;
  }

  static boolean isImage(Path p) {
    String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
    return EXTENSIONS.stream().anyMatch(n::endsWith);
  }

  /** Image id from a file name: the name without its extension. */
  static final String BOXES_HEADER = "image,class_idx,xmin,ymin,xmax,ymax";

  public static String idOf(Path file) {
    String n = file.getFileName().toString();
    int dot = n.lastIndexOf('.');
    return dot > 0 ? n.substring(0, dot) : n;
  }

  /**
   * Ground truth from a CSV with header {@code image,class_idx,xmin,ymin,xmax,ymax} (one row per
   * box; the ImageNet dev set's boxes.csv format), keyed by image id (file name without extension).
   */
  public static Map<String, GroundTruth> readGroundTruth(Path csv) throws IOException {
    Map<String, GroundTruth> out = new HashMap<>();
    List<String> lines = CsvLines.read(csv, BOXES_HEADER);
    for (int i = 1; i < lines.size(); i++) {
      String line = lines.get(i).trim();
      if (line.isEmpty()) {
        continue;
      }
      String[] f = line.split(",");
      if (f.length < 6) {
        throw new IllegalArgumentException(csv + " line " + (i + 1) + ": expected " + BOXES_HEADER);
      }
      String id = idOf(CsvLines.imagePath(f[0], csv, i + 1));
      int cls = CsvLines.integer(f[1], csv, i + 1, "class_idx");
      Box box =
          new Box(
              CsvLines.integer(f[2], csv, i + 1, "xmin"),
              CsvLines.integer(f[3], csv, i + 1, "ymin"),
              CsvLines.integer(f[4], csv, i + 1, "xmax"),
              CsvLines.integer(f[5], csv, i + 1, "ymax"));
      out.computeIfAbsent(id, k -> new GroundTruth(cls, new ArrayList<>())).getBoxes().add(box);
    }
    return out;
  }

  public Future<RecordMetadata> sendFile(String id, Path file, int topK, GroundTruth truth)
      throws IOException {
    return sendBytes(id, Files.readAllBytes(file), file.getFileName().toString(), topK, truth);
  }

  /** Sends an encoded image held in memory, named {@code sourceName}. */
  public Future<RecordMetadata> sendBytes(
      String id, byte[] image, String sourceName, int topK, GroundTruth truth) {
    ImageEvent e =
        ImageEvent.newBuilder()
            .setId(id)
            .setImageBytes(ByteBuffer.wrap(image))
            .setTopK(topK)
            .setGroundTruth(truth)
            .setProducedAt(Instant.now())
            .setSourceName(sourceName)
            .build();
    return producer.send(new ProducerRecord<>(topic, id, e));
  }

  public Future<RecordMetadata> sendUri(String id, String uri, int topK, GroundTruth truth) {
    ImageEvent e =
        ImageEvent.newBuilder()
            .setId(id)
            .setImageUri(uri)
            .setTopK(topK)
            .setGroundTruth(truth)
            .setProducedAt(Instant.now())
            .setSourceName(uri)
            .build();
    return producer.send(new ProducerRecord<>(topic, id, e));
  }

  public void flush() {
    producer.flush();
  }

  @Override
  public void close() {
    producer.close();
  }
}
