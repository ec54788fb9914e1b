package org.wsol.common.kafka;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wsol.common.avro.SchemaRegistryClient;
import org.wsol.common.avro.WireFormat;
import org.wsol.common.config.SettingKeys;
import org.wsol.common.config.Settings;
import org.wsol.schema.DeadLetter;

/**
 * Runs a {@link Stage} as a member of a consumer group: poll, decode, process, produce, flush,
 * commit.
 *
 * <p>At-least-once: offsets are committed only after the outputs of every polled record (or its
 * dead letter) are acknowledged by the broker, so a crash replays records rather than losing them;
 * the results service aggregates idempotently, so a replay never doubles a box. Records are read as
 * raw bytes so that one that does not decode still reaches the dead-letter topic with its original
 * bytes. Backpressure comes free: a poll waits for the one before it (with a pool, for the one
 * before that), and {@code max.poll.records} bounds it.
 */
public final class StageRunner<I, O> implements Runnable, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StageRunner.class);

  private final Stage<I, O> stage;
  private final String inputTopic;
  private final String outputTopic;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final KafkaProducer<byte[], byte[]> producer;
  private final ChunkWork<I, O> work;
  private final int batchSize;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final String worker;
  private final StageMeters meters;
  private final CloseOptions closeOptions;
  private final String membership;
  private volatile long lastPollNanos = System.nanoTime();
  private volatile boolean connected;
  private volatile Duration linger = Duration.ZERO;
  private volatile long lingerMaxBytes = Long.MAX_VALUE;
  private int threads = 1;
  private ExecutorService pool;
  private InFlightPoll<I, O> inFlight; // with a pool: the poll whose stage calls may still run

  /**
   * kafka.consumer.max.poll.records; with a pool, a poll gathers up to this many records a thread
   * when they are already fetched, so its stage calls take as long as one thread's poll would.
   */
  private final int maxPollRecords;

  public StageRunner(
      Settings settings,
      Stage<I, O> stage,
      Class<I> inputType,
      Class<O> outputType,
      Function<O, String> outputKey,
      String inputTopic,
      String outputTopic,
      String groupId,
      int batchSize) {
    this(
        settings,
        stage,
        inputType,
        outputType,
        outputKey,
        inputTopic,
        outputTopic,
        groupId,
        batchSize,
        StageClients.KAFKA);
  }

  /**
   * As the other constructor, with the Kafka clients made by {@code clients} (tests inject faults
   * there).
   */
  public StageRunner(
      Settings settings,
      Stage<I, O> stage,
      Class<I> inputType,
      Class<O> outputType,
      Function<O, String> outputKey,
      String inputTopic,
      String outputTopic,
      String groupId,
      int batchSize,
      StageClients clients) {
    this.stage = stage;
    this.inputTopic = inputTopic;
    this.outputTopic = outputTopic;
    this.batchSize = batchSize;
    WireFormat wire = WireFormat.from(settings);
    this.worker = workerId(stage.name());

    Properties c = settings.consumer();
    c.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    c.put(ConsumerConfig.CLIENT_ID_CONFIG, worker);
    GroupMembership.apply(c, settings, stage.name());
    this.membership = GroupMembership.describe(c);
    this.closeOptions = GroupMembership.closeOptions(settings, stage.name(), Duration.ofSeconds(5));
    this.consumer = clients.consumer(c);
    this.maxPollRecords =
        Integer.parseInt(
            String.valueOf(c.getOrDefault(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "500")).trim());

    Properties p = settings.producer();
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.CLIENT_ID_CONFIG, worker + "-out");
    // A dead letter carries the failed input whole, so this producer must take the largest input (a
    // 1.7 MB
    // ImageNet JPEG once stopped the saliency service: its dead letter exceeded the default 1 MB).
    int maxBytes = Topics.maxRecordBytes(settings);
    p.putIfAbsent(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, maxBytes);
    this.producer = clients.producer(p);
    DeadLetters deadLetters =
        new DeadLetters(
            producer,
            wire.serde(DeadLetter.class).serializer(),
            settings.get(SettingKeys.TOPIC_DEAD_LETTER),
            stage.name(),
            worker,
            Integer.parseInt(
                p.getOrDefault(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 1048576).toString()));
    this.meters = new StageMeters(stage.name());
    this.work =
        new ChunkWork<>(
            stage,
            wire.serde(asRecord(inputType)).deserializer(),
            wire.serde(asRecord(outputType)).serializer(),
            outputKey,
            outputTopic,
            producer,
            deadLetters,
            meters);
  }

  /**
   * Publishes this runner's meters, and the Kafka clients' own metrics (consumer lag among them:
   * {@code kafka_consumer_fetch_manager_records_lag_max}), to {@code registry}.
   */
  public StageRunner<I, O> bindMetrics(MeterRegistry registry) {
    meters.bindTo(registry);
    new KafkaClientMetrics(consumer).bindTo(registry);
    new KafkaClientMetrics(producer).bindTo(registry);
    return this;
  }

  /**
   * Ready = the loop is running, has polled within the last 30 s, and the consumer holds a
   * connection to a broker. Read by the health endpoint from another thread, so the loop publishes
   * these facts itself (KafkaConsumer may only be touched from its own thread).
   */
  public boolean isReady() {
    return stopped.getCount() > 0
        && running.get()
        && connected
        && System.nanoTime() - lastPollNanos < Duration.ofSeconds(30).toNanos();
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Class asRecord(Class<?> type) {
    return type;
  }

  public static String workerId(String stage) {
    return stage + "-" + ManagementFactory.getRuntimeMXBean().getName().replace('@', '-');
  }

  /**
   * After a poll returns fewer than batchSize records, keep polling up to this long for more, so
   * that a trickle of records still fills batches (throughput) at a bounded latency cost. Zero: no
   * wait.
   */
  public StageRunner<I, O> linger(Duration linger) {
    return linger(linger, Long.MAX_VALUE);
  }

  /**
   * As {@link #linger(Duration)}, but gathering also stops once the records' values reach {@code
   * maxBytes}.
   */
  public StageRunner<I, O> linger(Duration linger, long maxBytes) {
    this.linger = linger;
    this.lingerMaxBytes = maxBytes;
    return this;
  }

  /**
   * Runs the stage calls of one poll (its chunks of batchSize records) on {@code threads} pool
   * threads inside this one consumer. Decoding, producing and committing stay on the consumer's
   * thread, in record order, and the commit still waits for every output and dead letter of the
   * poll. Call before {@link #run()}; 1 = no pool.
   */
  public StageRunner<I, O> threads(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, got " + threads);
    }
    this.threads = threads;
    return this;
  }

  public int threads() {
    return threads;
  }

  public String worker() {
    return worker;
  }

  public long processedCount() {
    return work.processed.get();
  }

  public long failedCount() {
    return work.failed.get();
  }

  @Override
  public void run() {
    consumer.subscribe(List.of(inputTopic));
    if (threads > 1) {
      pool = ChunkWork.pool(stage.name(), threads);
    }
    log.info(
        "{} consuming {} -> {} as {} on {} thread(s), {}",
        stage.name(),
        inputTopic,
        outputTopic,
        worker,
        threads,
        membership);
    try {
      try {
        pollLoop();
      } catch (WakeupException e) {
        if (running.get()) {
          throw e;
        }
      }
      finishInFlight(); // a clean stop: the poll in flight is committed, not left to a replay
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (SchemaRegistryClient.RegistryUnavailableException e) {
      log.error(
          "{}: {}; stopping without committing so the records are replayed",
          stage.name(),
          e.getMessage());
    } catch (ExecutionException e) {
      log.error(
          "{}: a produce failed; stopping without committing so the records are replayed: {}",
          stage.name(),
          e.getCause().toString());
    } catch (UnsupportedVersionException e) {
      log.error(
          "{}: the brokers refused a request ({}); if they predate Kafka 4's consumer group"
              + " protocol, set {}=classic",
          stage.name(),
          e.getMessage(),
          GroupMembership.PROTOCOL_KEY);
    } catch (RuntimeException e) {
      log.error(
          "{}: stopped by an unexpected error; records since the last commit will be replayed",
          stage.name(),
          e);
    } finally {
      try {
        consumer.close(closeOptions);
      } catch (RuntimeException e) {
        log.warn("consumer close: {}", e.toString());
      }
      producer.close(Duration.ofSeconds(5));
      if (pool != null) {
        pool.shutdownNow();
      }
      stopped.countDown();
      log.info(
          "{} stopped after {} records ({} dead-lettered)",
          stage.name(),
          work.processed.get(),
          work.failed.get());
    }
  }

  /**
   * Poll, process, commit until stopped. With a pool, two polls at most are in flight, and each is
   * committed only after all its outputs are acknowledged, in poll order: without the overlap every
   * poll ended at a barrier where threads that finished early stood idle until its slowest record
   * was done.
   */
  private void pollLoop() throws InterruptedException, ExecutionException {
    while (running.get()) {
      // With a poll in flight, poll briefly and again until records come or the workers are done,
      // so that they get this poll's records while the previous poll's last ones finish.
      List<ConsumerRecord<byte[], byte[]>> all =
          nextPoll(inFlight == null ? Duration.ofMillis(200) : Duration.ofMillis(5));
      if (all.isEmpty() && inFlight != null && !inFlight.work().done()) {
        continue;
      }
      InFlightPoll<I, O> next =
          all.isEmpty() ? null : InFlightPoll.start(work, all, batchSize, pool);
      if (inFlight != null) {
        inFlight.finishAndCommit(work, consumer, producer, stage.name());
      }
      inFlight = next;
      if (pool == null) {
        finishInFlight(); // one thread: nothing to overlap
      }
    }
  }

  /**
   * The next poll's records: one poll (waiting up to {@code wait} for the first), then, while a
   * batch is not full, more within the linger; with a pool, also whatever the consumer has already
   * fetched, up to max.poll.records a thread, so that a poll's stage calls take about as long as
   * one thread's poll would.
   */
  private List<ConsumerRecord<byte[], byte[]>> nextPoll(Duration wait) {
    ConsumerRecords<byte[], byte[]> records = consumer.poll(wait);
    lastPollNanos = System.nanoTime();
    connected = brokerConnections(consumer) > 0;
    List<ConsumerRecord<byte[], byte[]>> all = new ArrayList<>();
    if (records.isEmpty()) {
      return all;
    }
    records.forEach(all::add);
    PolledRecords.gather(
        consumer,
        all,
        batchSize,
        linger,
        lingerMaxBytes,
        pool == null ? 0 : threads * maxPollRecords,
        running::get);
    meters.recordsIn.increment(all.size());
    return all;
  }

  /** Finishes and commits the poll still in flight, if any. */
  private void finishInFlight() throws InterruptedException, ExecutionException {
    if (inFlight != null) {
      InFlightPoll<I, O> last = inFlight;
      inFlight = null;
      last.finishAndCommit(work, consumer, producer, stage.name());
    }
  }

  private static double brokerConnections(KafkaConsumer<?, ?> consumer) {
    for (Map.Entry<org.apache.kafka.common.MetricName, ? extends Metric> e :
        consumer.metrics().entrySet()) {
      if (e.getKey().name().equals("connection-count")
          && e.getKey().group().equals("consumer-metrics")
          && e.getValue().metricValue() instanceof Number n) {
        return n.doubleValue();
      }
    }
    return 0;
  }

  /** Asks the loop to stop, and waits for it to close its clients. */
  @Override
  public void close() {
    running.set(false);
    consumer.wakeup();
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
