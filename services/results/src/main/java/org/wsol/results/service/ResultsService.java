package org.wsol.results.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wsol.common.config.SettingKeys;
import org.wsol.common.config.Settings;
import org.wsol.common.http.HealthServer;
import org.wsol.common.kafka.Topics;
import org.wsol.results.aggregate.Scoring;
import org.wsol.results.http.LivePage;
import org.wsol.results.http.LiveResults;
import org.wsol.results.http.PipelineStatus;
import org.wsol.results.http.ResultsHttp;
import org.wsol.results.http.SaliencyPreviews;
import org.wsol.results.preview.PreviewStore;
import org.wsol.results.streams.ResultsTopology;
import org.wsol.schema.LocalizationResult;

/**
 * The results service: Kafka Streams application {@code wsol-results} (boxes -> one result per
 * image -> results topic) plus its HTTP API ({@link ResultsHttp}) and /health/live, /health/ready
 * (Streams RUNNING), /metrics on {@code results.http.port}.
 *
 * <p>Exactly-once processing by default ({@code kafka.streams.processing.guarantee} overrides): the
 * store's "done" marker and the emitted result commit together, so even a crash between them cannot
 * emit twice.
 */
public final class ResultsService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ResultsService.class);
  public static final String APPLICATION_ID = "wsol-results";

  private final HealthServer http;
  private final KafkaStreams streams;
  private final LiveResults live;
  private final SaliencyPreviews previews;
  private final PipelineStatus pipelineStatus;
  private final Path stateDir;
  private final boolean ownsStateDir;
  private final HostInfo self;

  /**
   * Creates the topics that are missing and binds the HTTP port; nothing runs until {@link
   * #start()}.
   */
  public ResultsService(Settings s) {
    ResultsConfig config = ResultsConfig.from(s);
    Topics.from(s).ensureExist(s);
    checkCoPartitioned(s);
    // kafka.streams.state.dir (what the deploy files set) wins over results.state.dir.
    String configured = s.streams().getProperty(StreamsConfig.STATE_DIR_CONFIG, config.stateDir());
    try {
      this.ownsStateDir = configured.isBlank();
      this.stateDir =
          ownsStateDir ? Files.createTempDirectory("wsol-results-state-") : Path.of(configured);
      Files.createDirectories(stateDir);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot create the results state folder (results.state.dir): " + e.getMessage(), e);
    }
    PrometheusMeterRegistry registry = HealthServer.newRegistry();
    this.http =
        new HealthServer(s.get(SettingKeys.HTTP_HOST), config.httpPort(), registry, this::isReady);

    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, APPLICATION_ID);
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    p.put(
        StreamsConfig.APPLICATION_SERVER_CONFIG,
        advertised(config, s.get(SettingKeys.HTTP_HOST), http.port()));
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "100");
    p.putAll(s.streams()); // kafka.* and kafka.streams.* win: deployments set application.server,
    // state.dir
    this.self = HostInfo.buildFromEndpoint(p.getProperty(StreamsConfig.APPLICATION_SERVER_CONFIG));

    Counter complete =
        Counter.builder("wsol_results_emitted")
            .tag("complete", "true")
            .description("results sent to the results topic")
            .register(registry);
    Counter incomplete =
        Counter.builder("wsol_results_emitted")
            .tag("complete", "false")
            .description("results sent to the results topic")
            .register(registry);
    Counter rejected =
        Counter.builder("wsol_results_rejected")
            .description("images a stage refused, ended with a result of status rejected")
            .register(registry);
    Counter duplicates =
        Counter.builder("wsol_results_duplicate_boxes")
            .description("boxes ignored because their (image, rank) was already in")
            .register(registry);
    Counter dead = Counter.builder("wsol_records_dead_lettered").register(registry);
    // Running localisation scores of this instance's images that came with ground truth (ILSVRC:
    // IoU >= 0.5).
    Counter scored =
        Counter.builder("wsol_results_scored")
            .description("results with ground truth")
            .register(registry);
    Counter top1 = Counter.builder("wsol_results_top1_loc_correct").register(registry);
    Counter top5 = Counter.builder("wsol_results_top5_loc_correct").register(registry);
    Counter gtKnown = Counter.builder("wsol_results_gt_known_loc_correct").register(registry);
    DistributionSummary latency =
        DistributionSummary.builder("wsol_results_latency_ms")
            .description("image produced -> result emitted")
            .publishPercentiles(0.5, 0.99)
            .register(registry);
    ResultsTopology.Listener listener =
        new ResultsTopology.Listener() {
          @Override
          public void emitted(LocalizationResult r) {
            if (org.wsol.results.aggregate.Aggregator.REJECTED_STATUS.equals(r.getStatus())) {
              rejected.increment();
              return;
            }
            (r.getComplete() ? complete : incomplete).increment();
            latency.record(r.getLatencyMs());
            if (r.getScore() != null) {
              scored.increment();
              if (r.getScore().getTop1Correct()) {
                top1.increment();
              }
              if (r.getScore().getTop5Correct()) {
                top5.increment();
              }
              if (r.getScore().getGtKnownIou() >= Scoring.IOU_THRESHOLD) {
                gtKnown.increment();
              }
            }
          }

          @Override
          public void duplicate(String imageId, int rank) {
            duplicates.increment();
          }

          @Override
          public void deadLettered(String reason) {
            dead.increment();
          }
        };
    this.streams = new KafkaStreams(ResultsTopology.build(s, config.timeout(), listener), p);
    StreamFailurePolicy failures = StreamFailurePolicy.standard();
    streams.setUncaughtExceptionHandler(
        e -> {
          StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse r = failures.onFailure(e);
          if (r == StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD) {
            log.warn("results stream thread failed on a cluster error; replacing the thread", e);
          } else {
            log.error(
                "results stream thread failed; shutting the results service down (readiness turns 503)",
                e);
          }
          return r;
        });
    new KafkaStreamsMetrics(streams).bindTo(registry);
    this.live = new LiveResults(s);
    Gauge.builder("wsol_results_stream_clients", live, LiveResults::clientCount).register(registry);
    new ResultsHttp(streams, self, live, config.streamMaxClients()).register(http);
    int previewImages = config.previewsMaxImages();
    PreviewStore store = new PreviewStore(Math.max(1, previewImages), config.previewsMaxBytes());
    this.previews = previewImages > 0 ? new SaliencyPreviews(s, store) : null;
    this.pipelineStatus = new PipelineStatus(s);
    Gauge.builder("wsol_results_preview_bytes", store, PreviewStore::bytes)
        .description("memory held by the live page's previews")
        .register(registry);
    new LivePage(store, live, pipelineStatus, self, this::otherInstances).register(http);
  }

  /**
   * The topology reads boxes and dead letters in the same tasks, by partition number: with
   * different partition counts, a rejected image's result would be kept by a task that does not
   * hold its boxes. Say so at start.
   */
  private static void checkCoPartitioned(Settings s) {
    Topics t = Topics.from(s);
    try (org.apache.kafka.clients.admin.Admin admin =
        org.apache.kafka.clients.admin.Admin.create(s.kafka())) {
      var topics =
          admin
              .describeTopics(java.util.List.of(t.boxes(), t.deadLetter()))
              .allTopicNames()
              .get(30, java.util.concurrent.TimeUnit.SECONDS);
      int boxes = topics.get(t.boxes()).partitions().size();
      int dead = topics.get(t.deadLetter()).partitions().size();
      if (boxes != dead) {
        log.warn(
            "topic {} has {} partitions and {} has {}: give them the same count, or rejected images may be "
                + "answered by the wrong results instance (GET /images/ID 404) and their boxes kept apart",
            t.boxes(),
            boxes,
            t.deadLetter(),
            dead);
      }
    } catch (Exception e) {
      log.warn(
          "could not compare the partitions of {} and {}: {}",
          t.boxes(),
          t.deadLetter(),
          e.toString());
    }
  }

  /**
   * {@code results.advertised.address}, else http.host (or this host's name for 0.0.0.0) and the
   * bound port.
   */
  static String advertised(ResultsConfig config, String httpHost, int port) {
    String configured = config.advertisedAddress();
    if (!configured.isBlank()) {
      return configured;
    }
    String host = httpHost;
    if (host.equals("0.0.0.0") || host.equals("::")) {
      try {
        host = InetAddress.getLocalHost().getHostName();
      } catch (UnknownHostException e) {
        host = "127.0.0.1";
      }
    }
    return host + ":" + port;
  }

  /**
   * Starts the stream processing and the HTTP API; returns at once (Streams reaches RUNNING in the
   * background).
   */
  private List<HostInfo> otherInstances() {
    return streams.metadataForAllStreamsClients().stream()
        .map(StreamsMetadata::hostInfo)
        .filter(h -> !h.equals(self))
        .toList();
  }

  public ResultsService start() {
    live.start();
    if (previews != null) {
      previews.start();
    }
    streams.start();
    http.start();
    log.info(
        "results service: live page on http://{}:{}/live/",
        http.address().getHostString(),
        http.port());
    log.info(
        "results service: API on http://{}:{}/images (advertised to other instances as {}:{}), state in {}",
        self.host(),
        http.port(),
        self.host(),
        self.port(),
        stateDir);
    return this;
  }

  public int httpPort() {
    return http.port();
  }

  /** Alive: Streams is running or rebalancing (not shut down or failed). */
  public boolean isRunning() {
    return streams.state().isRunningOrRebalancing();
  }

  /** Ready for queries: Streams is RUNNING (not rebalancing or restoring). */
  public boolean isReady() {
    return streams.state() == KafkaStreams.State.RUNNING;
  }

  public KafkaStreams.State state() {
    return streams.state();
  }

  @Override
  public void close() {
    http.close();
    live.close();
    if (previews != null) {
      previews.close();
    }
    pipelineStatus.close();
    // Leave the group at once, so that other instances take over its partitions now, not after the
    // session timeout.
    streams.close(
        CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
            .withTimeout(Duration.ofSeconds(30)));
    if (ownsStateDir) {
      streams.cleanUp();
      try (Stream<Path> files = Files.walk(stateDir)) {
        files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      } catch (IOException e) {
        log.warn("could not delete {}: {}", stateDir, e.toString());
      }
    }
  }
}
