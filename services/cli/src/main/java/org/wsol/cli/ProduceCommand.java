package org.wsol.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.wsol.cli.local.ImageProducer;
import org.wsol.common.config.SettingKeys;
import org.wsol.common.config.Settings;
import org.wsol.schema.GroundTruth;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "produce",
    mixinStandardHelpOptions = true,
    description =
        "Sends images (files, folders, or file:/http(s): URIs) to the images topic, one ImageEvent each.")
class ProduceCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;

  @Parameters(
      paramLabel = "IMAGE",
      arity = "1..*",
      description = "image files, folders of images, or URIs (sent as claim checks)")
  List<String> inputs;

  @Option(
      names = {"-k", "--top-k"},
      defaultValue = "5",
      description = "classes to localise per image (default ${DEFAULT-VALUE})")
  int topK;

  @Option(
      names = "--ground-truth",
      paramLabel = "CSV",
      description = "boxes to score against: image,class_idx,xmin,ymin,xmax,ymax per row")
  Path groundTruth;

  @Option(
      names = "--id-prefix",
      defaultValue = "",
      description =
          "prefix for image ids (default: none; the id is the file name without extension)")
  String idPrefix;

  @Override
  public Integer call() throws Exception {
    Map<String, GroundTruth> truth =
        groundTruth == null ? Map.of() : ImageProducer.readGroundTruth(groundTruth);
    List<Path> files = new ArrayList<>();
    List<String> uris = new ArrayList<>();
    for (String in : inputs) {
      if (in.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*") && !in.matches("^[a-zA-Z]:\\\\.*")) {
        uris.add(in);
      } else {
        files.add(Path.of(in));
      }
    }
    files = ImageProducer.expand(files);
    for (Path f : files) {
      warnIfNotAnImage(
          f, idPrefix + ImageProducer.idOf(f)); // at once, before any wait for the broker
    }
    Settings s =
        config.clientSettings("produce"); // after the inputs are checked: their errors come first
    Progress progress = new Progress("images sent", files.size() + uris.size());
    List<Future<RecordMetadata>> sent = new ArrayList<>();
    try (ImageProducer producer = new ImageProducer(s)) {
      for (Path f : files) {
        String id = idPrefix + ImageProducer.idOf(f);
        sent.add(producer.sendFile(id, f, topK, truth.get(ImageProducer.idOf(f))));
        System.out.println(id);
      }
      for (String u : uris) {
        String id = idPrefix + ImageProducer.idOf(Path.of(u.replaceAll("[?#].*$", "")));
        sent.add(producer.sendUri(id, u, topK, truth.get(id)));
        System.out.println(id);
      }
      for (Future<RecordMetadata> f : sent) {
        f.get();
        progress.step();
      }
    }
    System.err.printf(
        "sent %d images to %s at %s%n",
        sent.size(), s.get(SettingKeys.TOPIC_IMAGES), s.get(SettingKeys.BOOTSTRAP_SERVERS));
    return 0;
  }

  /**
   * A file whose first bytes are no JPEG, PNG, BMP or GIF: warn now, send anyway (the service
   * decides).
   */
  static void warnIfNotAnImage(Path file, String id) throws java.io.IOException {
    byte[] head;
    try (java.io.InputStream in = java.nio.file.Files.newInputStream(file)) {
      head = in.readNBytes(ImageHeader.LENGTH);
    }
    if (ImageHeader.format(head) == null) {
      System.err.printf(
          "wsol produce: warning: %s does not start like a JPEG, PNG, BMP or GIF image; sending it "
              + "anyway: the saliency service will reject it, and ./wsol subscribe --id %s shows why%n",
          file, id);
    }
  }
}
