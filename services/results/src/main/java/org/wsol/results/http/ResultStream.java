package org.wsol.results.http;

import static org.wsol.results.http.ResultsHttp.JSON;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wsol.common.http.HealthServer;
import org.wsol.schema.LocalizationResult;

/**
 * {@code GET /images/stream[?id=..]}: server-sent events, one {@code result} event per result, to
 * at most {@code results.stream.max.clients} clients at a time.
 */
final class ResultStream {
  private static final Logger log = LoggerFactory.getLogger(ResultStream.class);

  private final LiveResults live;
  private final int maxStreamClients;

  ResultStream(LiveResults live, int maxStreamClients) {
    this.live = live;
    this.maxStreamClients = maxStreamClients;
  }

  void serve(HttpExchange ex, Map<String, List<String>> query) throws IOException {
    if (live.clientCount() >= maxStreamClients) {
      HealthServer.respond(
          ex,
          503,
          JSON,
          ResultJson.error(
              "too many stream clients ("
                  + maxStreamClients
                  + "; results.stream.max.clients); retry later, or read the results topic directly"));
      return;
    }
    Set<String> only = new HashSet<>(query.getOrDefault("id", List.of()));
    BlockingQueue<LocalizationResult> q = live.subscribe();
    try {
      ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
      ex.getResponseHeaders().set("Cache-Control", "no-cache");
      ex.sendResponseHeaders(200, 0);
      OutputStream out = ex.getResponseBody();
      out.write(
          ": wsol results stream; one 'result' event per image\n\n"
              .getBytes(StandardCharsets.UTF_8));
      out.flush();
      while (live.isRunning() && live.isSubscribed(q)) {
        LocalizationResult r = q.poll(15, TimeUnit.SECONDS);
        String event;
        if (r == null) {
          event = ": keep-alive\n\n"; // also finds out when the client has gone
        } else if (!only.isEmpty() && !only.contains(r.getImageId())) {
          continue;
        } else {
          event =
              "event: result\nid: "
                  + r.getImageId().replaceAll("[\r\n]", " ")
                  + "\ndata: "
                  + ResultJson.line(r)
                  + "\n\n";
        }
        out.write(event.getBytes(StandardCharsets.UTF_8));
        out.flush();
      }
    } catch (IOException e) {
      log.debug("stream client left: {}", e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      live.unsubscribe(q);
    }
  }
}
