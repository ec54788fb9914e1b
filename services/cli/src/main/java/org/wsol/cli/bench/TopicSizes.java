package org.wsol.cli.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.Node;
import org.wsol.common.config.SettingKeys;
import org.wsol.common.config.Settings;

/** Bytes per record on each topic: as serialized, and as stored (compressed) on the broker. */
final class TopicSizes {
  private TopicSizes() {}

  /**
   * Mean serialized bytes per record, and the topic's bytes on the broker's disk (compressed
   * batches) per record.
   */
  static void sizes(
      PipelinePhase ph,
      String topic,
      List<ConsumerRecord<byte[], byte[]>> rs,
      Map<String, Double> bytes,
      Map<String, Double> stored)
      throws Exception {
    if (rs.isEmpty() || bytes.containsKey(topic)) {
      return;
    }
    bytes.put(
        topic,
        rs.stream()
            .mapToDouble(
                r -> Math.max(0, r.serializedKeySize()) + Math.max(0, r.serializedValueSize()))
            .average()
            .orElse(Double.NaN));
    stored.put(topic, (double) storedBytes(ph, topic) / rs.size());
  }

  /**
   * The same saliency records written twice to scratch topics, once with the configured producer
   * batch.size and once with Kafka's default 16 KB: what batching saves on the broker, measured
   * without timing noise (try {@code --set kafka.producer.batch.size=524288}; it bought nothing
   * here, see BENCHMARKS.md).
   */
  static void batchSizeAb(
      PipelinePhase ph, List<ConsumerRecord<byte[], byte[]>> tensors, Map<String, Double> stored)
      throws Exception {
    int partitions = ph.s.getInt(SettingKeys.TOPIC_PARTITIONS);
    Map<String, Settings> variants = new LinkedHashMap<>();
    variants.put("saliency@configured", ph.s);
    variants.put("saliency@batch16k", ph.s.with(SettingKeys.KAFKA_PRODUCER_BATCH_SIZE, "16384"));
    for (var v : variants.entrySet()) {
      String topic = v.getKey().replace('@', '-');
      ph.admin
          .createTopics(
              List.of(new org.apache.kafka.clients.admin.NewTopic(topic, partitions, (short) 1)))
          .all()
          .get();
      try (RecordReplay r = new RecordReplay(v.getValue())) {
        r.send(topic, tensors);
      }
      stored.put(v.getKey(), storedBytes(ph, topic) / (double) tensors.size());
    }
  }

  private static long storedBytes(PipelinePhase ph, String topic) throws Exception {
    List<Integer> ids = ph.admin.describeCluster().nodes().get().stream().map(Node::id).toList();
    long size = 0;
    for (Map<String, LogDirDescription> dirs :
        ph.admin.describeLogDirs(ids).allDescriptions().get().values()) {
      for (LogDirDescription d : dirs.values()) {
        for (var e : d.replicaInfos().entrySet()) {
          if (e.getKey().topic().equals(topic)) {
            size += e.getValue().size();
          }
        }
      }
    }
    return size;
  }
}
