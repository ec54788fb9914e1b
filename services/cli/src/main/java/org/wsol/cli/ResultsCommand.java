package org.wsol.cli;

import java.util.concurrent.Callable;
import org.wsol.common.config.SettingKeys;
import org.wsol.common.config.Settings;
import org.wsol.results.service.ResultsService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
    name = "results",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the results service: boxes -> one result per image (Kafka Streams) -> results topic.",
      "An image a stage refused (its dead letter) ends with a result of status rejected. HTTP API:",
      "  GET /images/{id}       one image's result as JSON (404 unknown, 202 still waiting for boxes)",
      "  GET /images?limit=N    the latest N results, newest first",
      "  GET /images/stream     server-sent events, one per result (?id=... to filter)",
      "  GET /health/live, /health/ready, /metrics",
      "Port: --set results.http.port=8080. Several instances share the work; each answers for all images."
    })
class ResultsCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;

  @Override
  public Integer call() throws Exception {
    Settings s = config.checkedSettings();
    ResultsService service = new ResultsService(s).start();
    String host = s.get(SettingKeys.HTTP_HOST);
    if (host.equals("0.0.0.0") || host.equals("::")) {
      host = "localhost";
    }
    System.out.println("http://" + host + ":" + service.httpPort() + "/images");
    System.out.flush();
    return ForegroundService.runUntilStopped(service, service::isRunning, "results service");
  }
}
