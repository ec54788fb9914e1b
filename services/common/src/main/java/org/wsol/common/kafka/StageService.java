package org.wsol.common.kafka;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.wsol.common.config.SettingKeys;
import org.wsol.common.config.Settings;
import org.wsol.common.http.HealthServer;

/**
 * The process shell that the saliency and segmenter services share around their {@link
 * StageRunner}: the worker thread that runs it, and {@code /health/live}, {@code /health/ready} and
 * {@code /metrics} on {@code http.host}:{@code metrics.port} (ready = the worker runs and is
 * connected to Kafka). Each service builds its stage and runner, and this starts and stops them.
 */
public final class StageService<I, O> implements AutoCloseable {
  private final StageRunner<I, O> runner;
  private final HealthServer health;
  private final Thread thread;

  /**
   * @param threadName the worker thread's name, e.g. {@code saliency-worker}
   */
  public StageService(Settings s, StageRunner<I, O> runner, String threadName) {
    this.runner = runner;
    this.health =
        new HealthServer(
            s.get(SettingKeys.HTTP_HOST),
            s.getInt(SettingKeys.METRICS_PORT),
            HealthServer.newRegistry(),
            this::isReady);
    runner.bindMetrics(health.registry());
    this.thread = new Thread(runner, threadName);
  }

  /** Where a service registers metrics of its own. */
  public PrometheusMeterRegistry registry() {
    return health.registry();
  }

  public void start() {
    health.start();
    thread.start();
  }

  public boolean isRunning() {
    return thread.isAlive();
  }

  /** Running and connected to Kafka: what /health/ready reports. */
  public boolean isReady() {
    return isRunning() && runner.isReady();
  }

  public StageRunner<I, O> runner() {
    return runner;
  }

  public int healthPort() {
    return health.port();
  }

  /** Stops the worker (its last offsets committed), then the health endpoint. */
  @Override
  public void close() {
    runner.close();
    health.close();
  }
}
