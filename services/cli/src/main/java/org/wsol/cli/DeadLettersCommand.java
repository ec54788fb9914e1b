package org.wsol.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.wsol.common.avro.WireFormat;
import org.wsol.common.config.SettingKeys;
import org.wsol.common.config.Settings;
import org.wsol.schema.DeadLetter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "dead-letters",
    mixinStandardHelpOptions = true,
    description = {
      "Lists what the services could not process, with counts by stage and reason.",
      "One line per dead letter (stage, source topic-partition@offset, key, reason), then the counts. --save DIR writes each original record's bytes to a file, to",
      "inspect or to send again once fixed."
    })
class DeadLettersCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;

  @Option(
      names = "--save",
      paramLabel = "DIR",
      description =
          "write each dead letter's original bytes to DIR/<topic>-<partition>-<offset>.bin")
  Path save;

  @Option(
      names = "--limit",
      defaultValue = "1000",
      description =
          "print at most this many lines (default ${DEFAULT-VALUE}); the counts cover all")
  int limit;

  @Override
  public Integer call() throws Exception {
    Settings s = config.clientSettings("dead-letters");
    String topic = s.get(SettingKeys.TOPIC_DEAD_LETTER);
    var deserializer = WireFormat.from(s).serde(DeadLetter.class).deserializer();
    var props = s.consumer();
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    Map<String, Integer> counts = new TreeMap<>();
    int printed = 0;
    int total = 0;
    if (save != null) {
      Files.createDirectories(save);
    }
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      var infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
      if (infos == null || infos.isEmpty()) {
        throw new IllegalStateException(
            "no topic '"
                + topic
                + "' on "
                + s.get(SettingKeys.BOOTSTRAP_SERVERS)
                + ": is this the pipeline's broker? (services create it when they start)");
      }
      List<TopicPartition> parts =
          infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      Map<TopicPartition, Long> end = consumer.endOffsets(parts);
      while (parts.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          DeadLetter d = deserializer.deserialize(topic, r.value());
          total++;
          counts.merge(d.getStage() + ": " + firstWords(d.getReason()), 1, Integer::sum);
          if (printed++ < limit) {
            System.out.printf(
                "%s  %s  %s-%d@%d  key=%s  %s%n",
                d.getFailedAt(),
                d.getStage(),
                d.getSourceTopic(),
                d.getSourcePartition(),
                d.getSourceOffset(),
                d.getKey() == null ? "-" : StandardCharsets.UTF_8.decode(d.getKey().duplicate()),
                d.getReason());
          }
          if (save != null && d.getValue() != null) {
            byte[] original = new byte[d.getValue().remaining()];
            d.getValue().duplicate().get(original);
            Files.write(
                save.resolve(
                    d.getSourceTopic()
                        + "-"
                        + d.getSourcePartition()
                        + "-"
                        + d.getSourceOffset()
                        + ".bin"),
                original);
          }
        }
      }
    }
    counts.forEach((k, n) -> System.out.printf("%6d  %s%n", n, k));
    System.out.printf(
        "dead-letters: %d on %s%s%n", total, topic, save == null ? "" : ", originals in " + save);
    return 0;
  }

  /** The reason up to its first colon: groups "corrupt or truncated image: <details>" together. */
  static String firstWords(String reason) {
    int colon = reason.indexOf(": ");
    String head = colon > 0 ? reason.substring(0, colon) : reason;
    return head.length() > 80 ? head.substring(0, 80) + "..." : head;
  }
}
