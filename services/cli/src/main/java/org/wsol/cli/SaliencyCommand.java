package org.wsol.cli;

import java.util.concurrent.Callable;
import org.wsol.saliency.service.SaliencyService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
    name = "saliency",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the saliency service: images -> CNN class saliency maps (top-k classes) -> saliency topic.",
      "Uses the GPU when DJL sees one, else the CPU. Model: --set saliency.model=bundled|FILE.json"
    })
class SaliencyCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;

  @Override
  public Integer call() throws Exception {
    SaliencyService service = new SaliencyService(config.checkedSettings()).start();
    System.err.println("health and metrics: http://127.0.0.1:" + service.healthPort() + "/metrics");
    return ForegroundService.runUntilStopped(service, service::isRunning, "saliency service");
  }
}
