package org.wsol.cli;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.wsol.broker.EmbeddedBroker;
import org.wsol.cli.chaos.ServiceProcess;
import org.wsol.cli.local.ImageProducer;
import org.wsol.common.config.SettingKeys;
import org.wsol.common.config.Settings;
import org.wsol.common.kafka.TopicTail;
import org.wsol.common.kafka.Topics;
import org.wsol.results.http.ResultJson;
import org.wsol.results.service.ResultsService;
import org.wsol.segmenter.service.SegmenterService;

/**
 * {@code ./wsol chaos --results-faults}: the pipeline as processes on one broker while the results
 * service is killed with SIGKILL twice, as the first results of each half of the images come in:
 * restarted on the same state directory, then on an empty one (so that its store is rebuilt from
 * the changelog). Every image must end with exactly one complete result on the results topic (read
 * committed), nothing dead-lettered, and the last process must answer {@code GET /images/{id}} for
 * every image.
 */
final class ResultsChaos {
  private static final Pattern API = Pattern.compile("http://[^:\\s]+:(\\d+)/images");

  private final ChaosPlan plan;
  private final int images;

  ResultsChaos(ChaosPlan plan) {
    this.plan = plan;
    this.images = plan.images();
  }

  /** Runs it; 0 when every image has one complete result, served, and nothing was dead-lettered. */
  int run() throws Exception {
    List<ServiceProcess> running = new ArrayList<>();
    try (EmbeddedBroker broker = EmbeddedBroker.start()) {
      String bootstrap = broker.bootstrapServers();
      Settings s = plan.config().with(SettingKeys.BOOTSTRAP_SERVERS, bootstrap);
      Topics topics = Topics.from(s);
      topics.ensureExist(s);
      List<String> common = plan.serviceArgs().apply(bootstrap);
      ServiceProcess results = startResults(common, "results-1", plan.logs().resolve("state-1"));
      running.add(results);
      plan.startStagesAndAwait(common, running);
      System.err.printf(
          "chaos: broker %s, %d segmenters, logs in %s%n",
          bootstrap, plan.segmenters(), plan.logs());
      long deadline = System.nanoTime() + plan.timeoutSeconds() * 1_000_000_000L;
      FaultLog faults = new FaultLog(images);
      try (TopicTail resultTail = new TopicTail(s, topics.results());
          TopicTail dead = new TopicTail(s, topics.deadLetter());
          ImageProducer producer = new ImageProducer(s);
          Admin admin = Admin.create(s.kafka())) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < images; i++) {
          ids.add(String.format("chaos-%05d", i));
        }
        // Two halves, each killed once its first results are in (results come in bursts, one per
        // transaction: a kill at the middle of a half could find it already done), so that both
        // kills land while boxes flow.
        String[][] restarts = {
          {"results-2", "state-1", "the same"}, {"results-3", "state-2", "an empty"}
        };
        for (int k = 0; k < restarts.length; k++) {
          for (int i = k * images / 2; i < (k + 1) * images / 2; i++) {
            producer.sendFile(
                ids.get(i), plan.files().get(i % plan.files().size()), plan.topK(), null);
          }
          producer.flush();
          System.err.printf(
              "chaos: sent images %d to %d%n", k * images / 2, (k + 1) * images / 2 - 1);
          BrokerChaos.awaitComplete(
              resultTail, k * images / 2 + Math.max(1, images / 20), deadline);
          results.kill();
          faults.add(resultTail, "SIGKILL " + results.name());
          results = startResults(common, restarts[k][0], plan.logs().resolve(restarts[k][1]));
          running.add(results);
          results.awaitOutput("running; stop with Ctrl-C", Duration.ofSeconds(300));
          faults.add(resultTail, results.name() + " up on " + restarts[k][2] + " state dir");
        }
        BrokerChaos.awaitComplete(resultTail, images, deadline);
        // Let replays drain, so that a late duplicate would be counted.
        Lag.awaitZero(admin, SegmenterService.GROUP, topics.saliency(), Duration.ofSeconds(60));
        Lag.awaitZero(admin, ResultsService.APPLICATION_ID, topics.boxes(), Duration.ofSeconds(60));
        ChaosCommand.Counts c = ChaosCommand.count(resultTail.records());
        int served = served(results, ids);
        int deadLettered = dead.records().size();
        int lost = images - c.complete();
        System.out.printf("chaos: results faults in %.0f s:%n", faults.seconds());
        faults.lines().forEach(f -> System.out.println("chaos:   " + f));
        System.out.printf("chaos: GET /images/{id} answered %d/%d%n", served, images);
        System.out.printf(
            "chaos: sent=%d complete=%d lost=%d duplicated=%d deadlettered=%d%n",
            images, c.complete(), lost, c.duplicated(), deadLettered);
        return lost == 0 && c.duplicated() == 0 && deadLettered == 0 && served == images ? 0 : 1;
      }
    } finally {
      for (ServiceProcess p : running) {
        p.close();
      }
    }
  }

  private ServiceProcess startResults(List<String> common, String name, Path state) {
    List<String> args = new ArrayList<>(common);
    args.addAll(List.of("--set", SettingKeys.RESULTS_STATE_DIR + "=" + state));
    return ChaosCommand.start("results", "-Xmx512m", args, plan.logs(), name);
  }

  /**
   * How many of the images the results process answers with a complete result, once it is ready
   * (its store restored).
   */
  private static int served(ServiceProcess results, List<String> ids) throws Exception {
    Matcher m = API.matcher(results.output());
    if (!m.find()) {
      throw new IllegalStateException("no API address in the output of " + results.name());
    }
    HttpClient http = HttpClient.newHttpClient();
    URI ready = URI.create("http://127.0.0.1:" + m.group(1) + "/health/ready");
    long until = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (http.send(
                HttpRequest.newBuilder(ready).GET().build(), HttpResponse.BodyHandlers.discarding())
            .statusCode()
        != 200) {
      if (System.nanoTime() > until) {
        throw new java.util.concurrent.TimeoutException(results.name() + " not ready in 120 s");
      }
      Thread.sleep(200);
    }
    int ok = 0;
    for (String id : ids) {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + m.group(1) + "/images/" + id))
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() == 200 && ResultJson.read(r.body()).get("complete").asBoolean()) {
        ok++;
      }
    }
    return ok;
  }
}
