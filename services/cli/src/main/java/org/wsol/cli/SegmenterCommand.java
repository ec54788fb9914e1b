package org.wsol.cli;

import java.util.concurrent.Callable;
import org.wsol.segmenter.service.SegmenterService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
    name = "segmenter",
    mixinStandardHelpOptions = true,
    description = {
      "Runs a segmenter: saliency maps -> GraphCut -> one box per image and class -> boxes topic.",
      "Start several (here or on other machines): they share the saliency topic's partitions as one consumer group."
    })
class SegmenterCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;

  @Override
  public Integer call() throws Exception {
    SegmenterService service = new SegmenterService(config.checkedSettings()).start();
    return ForegroundService.runUntilStopped(
        service, service::isRunning, "segmenter " + service.runner().worker());
  }
}
