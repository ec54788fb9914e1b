package org.wsol.results.http;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.wsol.common.config.Settings;
import org.wsol.common.kafka.Topics;

/**
 * The pipeline seen from the broker, for the live page's header: each stage's consumer lag (records
 * on its input topic that its group has not committed yet) and the records on the dead-letter
 * topic. Asked at most once per {@link #MAX_AGE_MS}, whatever the number of pages open.
 */
public final class PipelineStatus implements AutoCloseable {
  static final long MAX_AGE_MS = 2_000;

  /** A stage: its name on the page, its consumer group and its input topic. */
  record Stage(String name, String group, String input) {}

  private final Admin admin;
  private final List<Stage> stages;
  private final String deadLetter;
  private Map<String, Long> lag = Map.of();
  private long deadLetters = -1;
  private long askedAt;
  private boolean asked;

  public PipelineStatus(Settings s) {
    Topics t = Topics.from(s);
    // The services' group ids (SaliencyService.GROUP, SegmenterService,
    // ResultsService.APPLICATION_ID); this module
    // does not depend on the others.
    this.stages =
        List.of(
            new Stage("saliency", "wsol-saliency", t.images()),
            new Stage("segmenter", "wsol-segmenter", t.saliency()),
            new Stage("results", "wsol-results", t.boxes()));
    this.deadLetter = t.deadLetter();
    Map<String, Object> props = new HashMap<>();
    s.kafka().forEach((k, v) -> props.put(k.toString(), v));
    props.put("request.timeout.ms", "3000");
    props.put("default.api.timeout.ms", "4000");
    this.admin = Admin.create(props);
  }

  /**
   * Lag per stage (-1 when the broker did not say) and dead letters (-1 likewise), at most 2 s old.
   */
  public synchronized Snapshot snapshot() {
    long now = System.currentTimeMillis();
    if (!asked || now - askedAt >= MAX_AGE_MS) {
      asked = true;
      askedAt = now;
      Map<String, Long> fresh = new LinkedHashMap<>();
      for (Stage st : stages) {
        fresh.put(st.name(), stageLag(st));
      }
      lag = fresh;
      deadLetters = deadLetterCount();
    }
    return new Snapshot(lag, deadLetters);
  }

  public record Snapshot(Map<String, Long> lag, long deadLetters) {}

  private long stageLag(Stage st) {
    try {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin
              .listConsumerGroupOffsets(st.group())
              .partitionsToOffsetAndMetadata()
              .get(4, TimeUnit.SECONDS);
      Map<TopicPartition, Long> ends = ends(st.input(), OffsetSpec.latest());
      long lag = 0;
      for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
        OffsetAndMetadata c = committed.get(e.getKey());
        lag += Math.max(0, e.getValue() - (c == null ? 0 : c.offset()));
      }
      return lag;
    } catch (Exception e) {
      return -1;
    }
  }

  private long deadLetterCount() {
    try {
      Map<TopicPartition, Long> end = ends(deadLetter, OffsetSpec.latest());
      Map<TopicPartition, Long> start = ends(deadLetter, OffsetSpec.earliest());
      long n = 0;
      for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
        n += e.getValue() - start.getOrDefault(e.getKey(), 0L);
      }
      return n;
    } catch (Exception e) {
      return -1;
    }
  }

  private Map<TopicPartition, Long> ends(String topic, OffsetSpec spec) throws Exception {
    int partitions =
        admin
            .describeTopics(List.of(topic))
            .allTopicNames()
            .get(4, TimeUnit.SECONDS)
            .get(topic)
            .partitions()
            .size();
    Map<TopicPartition, OffsetSpec> ask = new HashMap<>();
    for (int p = 0; p < partitions; p++) {
      ask.put(new TopicPartition(topic, p), spec);
    }
    Map<TopicPartition, ListOffsetsResultInfo> got =
        admin
            .listOffsets(ask, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
            .all()
            .get(4, TimeUnit.SECONDS);
    Map<TopicPartition, Long> out = new HashMap<>();
    got.forEach((tp, info) -> out.put(tp, info.offset()));
    return out;
  }

  @Override
  public void close() {
    admin.close(java.time.Duration.ofSeconds(2));
  }
}
