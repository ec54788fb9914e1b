package org.wsol.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.wsol.cli.chaos.ServiceProcess;
import org.wsol.common.config.Settings;

/**
 * What a chaos run was asked for: the chaos command's options.
 *
 * @param serviceArgs the arguments every service process gets, given the bootstrap servers
 */
record ChaosPlan(
    Settings config,
    Function<String, List<String>> serviceArgs,
    int images,
    int segmenters,
    int topK,
    List<Path> files,
    Path logs,
    int timeoutSeconds) {

  /**
   * Starts the saliency service and the segmenters, adding them to {@code running}, then waits
   * until every process in {@code running} (the results service too) is up.
   */
  void startStagesAndAwait(List<String> common, List<ServiceProcess> running)
      throws java.util.concurrent.TimeoutException, InterruptedException {
    running.add(ChaosCommand.start("saliency", "-Xmx1g", common, logs));
    for (int i = 0; i < segmenters; i++) {
      running.add(ChaosCommand.start("segmenter", "-Xmx512m", common, logs, "segmenter-" + i));
    }
    for (ServiceProcess p : running) {
      p.awaitOutput("running; stop with Ctrl-C", Duration.ofSeconds(300));
    }
  }
}
