package org.wsol.cli.bench;

import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.wsol.broker.EmbeddedBroker;
import org.wsol.common.avro.WireFormat;
import org.wsol.common.config.Settings;
import org.wsol.common.image.HalfFloats;
import org.wsol.common.image.RgbImages;
import org.wsol.common.kafka.Topics;
import org.wsol.schema.MapDtype;
import org.wsol.schema.SaliencyTensor;
import org.wsol.segmenter.service.SegmenterService;

/**
 * One rebalance scenario on a fresh embedded broker: {@code members} segmenter services share a
 * steady trickle of small saliency records; a newcomer joins, then one of the first members leaves.
 * Each member's completions are sampled from its runner's processed count.
 */
final class RebalanceRun implements AutoCloseable {
  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

  /**
   * What one run measured, in milliseconds: each pause both as the longest time in which no
   * incumbent completed a record (all) and as the longest idle time of any one of them (each: a
   * member waiting for the others to rejoin, while they still work, shows only here).
   */
  record Figures(
      long joinMs,
      long joinPauseMs,
      long joinEachMs,
      long leavePauseMs,
      long leaveEachMs,
      long quietGapMs,
      long quietEachMs) {}

  private final EmbeddedBroker broker;
  private final Settings settings;
  private final double rate;
  private final int size;
  private final List<SegmenterService> members = new ArrayList<>();
  private final List<List<Long>> completions = new CopyOnWriteArrayList<>();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final List<Thread> threads = new ArrayList<>();
  private final java.util.Set<Integer> left = new java.util.HashSet<>();

  RebalanceRun(Settings base, String protocol, double rate, int size) {
    this.broker = quietly(EmbeddedBroker::start);
    this.rate = rate;
    this.size = size;
    this.settings =
        base.withAll(
            Map.of(
                "bootstrap.servers", broker.bootstrapServers(),
                "stage.group.protocol", protocol,
                "segmenter.threads", "1",
                "metrics.port", "0",
                "topic.partitions", "6"));
    Topics.from(settings).ensureExist(settings);
    awaitLeaders(Topics.from(settings).saliency());
  }

  /**
   * Returns once the new topic's leaders answer a list-offsets request: a produce racing the first
   * leadership can fail with an out-of-order sequence and stall the producer.
   */
  private void awaitLeaders(String topic) {
    try (var c =
        new org.apache.kafka.clients.consumer.KafkaConsumer<>(
            settings.consumer(),
            new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
            new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
      c.endOffsets(
          c.partitionsFor(topic).stream()
              .map(pi -> new org.apache.kafka.common.TopicPartition(topic, pi.partition()))
              .toList());
    }
  }

  Figures measure(int incumbents, long settleMs, long windowMs) throws InterruptedException {
    start(this::produce, "rebalance-producer");
    for (int i = 0; i < incumbents; i++) {
      join();
    }
    start(this::sample, "rebalance-sampler");
    awaitSteady(incumbents, settleMs);

    List<Integer> before = range(0, incumbents);
    long t0 = System.nanoTime();
    long quiet = Completions.longestGap(of(before), t0 - settleMs * MS, t0);
    long quietEach = longestEach(before, t0 - settleMs * MS, t0);
    int newcomer = join();
    long first = awaitFirst(newcomer, t0, TimeUnit.SECONDS.toNanos(120));
    long joinEnd = Math.max(first + settleMs * MS, t0 + windowMs * MS);
    sleepUntil(joinEnd);
    long joinPause = Completions.longestGap(of(before), t0, joinEnd);
    long joinEach = longestEach(before, t0, joinEnd);

    List<Integer> survivors = range(1, incumbents + 1);
    sleepUntil(System.nanoTime() + settleMs * MS);
    long t1 = System.nanoTime();
    members.get(0).close();
    left.add(0);
    long leaveEnd = t1 + windowMs * MS;
    sleepUntil(leaveEnd);
    long leavePause = Completions.longestGap(of(survivors), t1, leaveEnd);
    long leaveEach = longestEach(survivors, t1, leaveEnd);
    return new Figures(
        (first - t0) / MS,
        joinPause / MS,
        joinEach / MS,
        leavePause / MS,
        leaveEach / MS,
        quiet / MS,
        quietEach / MS);
  }

  /** The longest gap in [from, to] of any one of these members. */
  private long longestEach(List<Integer> indices, long from, long to) {
    long longest = 0;
    for (int i : indices) {
      longest = Math.max(longest, Completions.longestGap(List.of(completions.get(i)), from, to));
    }
    return longest;
  }

  private int join() {
    completions.add(new CopyOnWriteArrayList<>());
    members.add(new SegmenterService(settings).start());
    return members.size() - 1;
  }

  private void awaitSteady(int count, long settleMs) throws InterruptedException {
    long give = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < give) {
      long since = System.nanoTime() - settleMs * MS;
      boolean all = true;
      for (int i = 0; i < count; i++) {
        all &= Completions.firstAtOrAfter(completions.get(i), since) >= 0;
      }
      if (all) {
        sleepUntil(System.nanoTime() + settleMs * MS); // assignments settled, not just made
        return;
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("the first members never all processed records");
  }

  private long awaitFirst(int member, long from, long timeoutNanos) throws InterruptedException {
    long give = from + timeoutNanos;
    while (System.nanoTime() < give) {
      long t = Completions.firstAtOrAfter(completions.get(member), from);
      if (t >= 0) {
        return t;
      }
      Thread.sleep(2);
    }
    throw new IllegalStateException("the newcomer processed nothing within the timeout");
  }

  private List<List<Long>> of(List<Integer> indices) {
    List<List<Long>> out = new ArrayList<>();
    for (int i : indices) {
      out.add(completions.get(i));
    }
    return out;
  }

  private static List<Integer> range(int from, int to) {
    List<Integer> out = new ArrayList<>();
    for (int i = from; i < to; i++) {
      out.add(i);
    }
    return out;
  }

  /** Every 2 ms, notes the time at which any member's processed count went up. */
  private void sample() {
    List<Long> seen = new ArrayList<>();
    while (running.get()) {
      long now = System.nanoTime();
      for (int i = 0; i < members.size() && i < completions.size(); i++) {
        long n = members.get(i).runner().processedCount();
        while (seen.size() <= i) {
          seen.add(0L);
        }
        if (n > seen.get(i)) {
          completions.get(i).add(now);
          seen.set(i, n);
        }
      }
      try {
        Thread.sleep(2);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Sends small saliency records at {@code rate} a second, keyed over every partition. */
  private void produce() {
    var serializer = WireFormat.from(settings).serde(SaliencyTensor.class).serializer();
    String topic = Topics.from(settings).saliency();
    byte[] map = HalfFloats.encode(blob(size));
    byte[] working = workingImage(size);
    long period = (long) (TimeUnit.SECONDS.toNanos(1) / rate);
    long next = System.nanoTime();
    KafkaProducer<byte[], byte[]> p =
        new KafkaProducer<>(
            settings.producer(), new ByteArraySerializer(), new ByteArraySerializer());
    try {
      for (long i = 0; running.get(); i++) {
        String id = "rb-" + i;
        SaliencyTensor t =
            SaliencyTensor.newBuilder()
                .setImageId(id)
                .setClassIndex(0)
                .setClassLabel("class-0")
                .setRank(0)
                .setTopK(1)
                .setScore(1f)
                .setMapWidth(size)
                .setMapHeight(size)
                .setMapDtype(MapDtype.FLOAT16)
                .setMapData(ByteBuffer.wrap(map))
                .setWorkingImage(ByteBuffer.wrap(working))
                .setOriginalWidth(size)
                .setOriginalHeight(size)
                .setModelId("rebalance-bench")
                .setImageProducedAt(Instant.now())
                .setSaliencyMs(0f)
                .build();
        p.send(new ProducerRecord<>(topic, id.getBytes(), serializer.serialize(topic, t)));
        next += period;
        long wait = next - System.nanoTime();
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      // Not the default close, which waits for ever for the sends in flight: a producer left
      // retrying would deliver into the next run's broker if it got this one's port.
      p.close(Duration.ofSeconds(1));
    }
  }

  /** A saliency blob over the middle of a square map. */
  static float[] blob(int size) {
    float[] m = new float[size * size];
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        double dx = x - size / 2.0;
        double dy = y - size / 2.0;
        m[y * size + x] = (float) Math.exp(-(dx * dx + dy * dy) / (size * size / 16.0));
      }
    }
    return m;
  }

  /** A red square on blue, under the blob. */
  static byte[] workingImage(int size) {
    BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        boolean in = Math.abs(x - size / 2) < size / 4 && Math.abs(y - size / 2) < size / 4;
        img.setRGB(x, y, in ? 0xD02020 : 0x2040C0);
      }
    }
    return RgbImages.jpeg(img, 0.95f);
  }

  /** The test kit prints its storage formatting on standard output: keep it off the table. */
  private static <T> T quietly(java.util.function.Supplier<T> s) {
    java.io.PrintStream out = System.out;
    System.setOut(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
    try {
      return s.get();
    } finally {
      System.setOut(out);
    }
  }

  private void start(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    t.start();
    threads.add(t);
  }

  private static void sleepUntil(long nanos) throws InterruptedException {
    long left = nanos - System.nanoTime();
    if (left > 0) {
      TimeUnit.NANOSECONDS.sleep(left);
    }
  }

  @Override
  public void close() {
    running.set(false); // the loops see it within a period: no interrupt, which would fail the
    // producer's close
    for (Thread t : threads) {
      try {
        t.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    for (int i = 0; i < members.size(); i++) {
      if (!left.contains(i)) {
        members.get(i).close();
      }
    }
    broker.close();
  }
}
