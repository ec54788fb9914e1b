package org.wsol.results.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wsol.common.http.HealthServer;
import org.wsol.results.preview.HeatPng;
import org.wsol.results.preview.ImagePreview;
import org.wsol.results.preview.LevelMap;
import org.wsol.results.preview.PreviewStore;

/**
 * The live page: plain HTML, CSS and JavaScript from the jar (resources {@code
 * org/wsol/results/live/}), fed by the JSON API and its server-sent events, plus what the API does
 * not have:
 *
 * <ul>
 *   <li>{@code GET /live/preview?id=ID}: the image's working image (JPEG, as the saliency service
 *       sent it);
 *   <li>{@code GET /live/heat?id=ID&rank=R}: rank R's saliency map as a transparent heat PNG;
 *   <li>{@code GET /live/status}: running counts, images/s, dead letters and each stage's consumer
 *       lag.
 * </ul>
 *
 * Every instance keeps previews of every partition; one that lacks an image's (it started after it)
 * asks the other results instances, as the JSON API forwards what it does not own.
 */
public final class LivePage {
  private static final Logger log = LoggerFactory.getLogger(LivePage.class);
  private static final String JSON = "application/json; charset=utf-8";
  private static final Map<String, String> FILES =
      Map.of(
          "index.html",
          "text/html; charset=utf-8",
          "image.html",
          "text/html; charset=utf-8",
          "live.css",
          "text/css; charset=utf-8",
          "labels.js",
          "text/javascript; charset=utf-8",
          "draw.js",
          "text/javascript; charset=utf-8",
          "gallery.js",
          "text/javascript; charset=utf-8",
          "image.js",
          "text/javascript; charset=utf-8");

  private final PreviewStore previews;
  private final LiveResults live;
  private final PipelineStatus status;
  private final HostInfo self;
  private final Supplier<List<HostInfo>> others;
  private final HttpClient client =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(2))
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();

  /**
   * @param others the other results instances (Kafka Streams' metadata), asked for previews this
   *     one lacks
   */
  public LivePage(
      PreviewStore previews,
      LiveResults live,
      PipelineStatus status,
      HostInfo self,
      Supplier<List<HostInfo>> others) {
    this.previews = previews;
    this.live = live;
    this.status = status;
    this.self = self;
    this.others = others;
  }

  public void register(HealthServer server) {
    server.route("/live", this::handle);
    server.route(
        "/",
        ex -> {
          if (ex.getRequestURI().getPath().equals("/")) {
            ex.getResponseHeaders().set("Location", "/live/");
            ex.sendResponseHeaders(302, -1);
          } else {
            HealthServer.respond(
                ex,
                404,
                JSON,
                ResultJson.error(
                    "unknown path "
                        + ex.getRequestURI().getPath()
                        + ": the live page is /live/, the API /images"));
          }
        });
  }

  void handle(HttpExchange ex) throws IOException {
    String path = ex.getRequestURI().getPath();
    Map<String, List<String>> query = ResultsHttp.query(ex.getRequestURI().getRawQuery());
    String name =
        path.equals("/live") || path.equals("/live/")
            ? "index.html"
            : path.substring("/live/".length());
    if (!ex.getRequestMethod().equals("GET")) {
      HealthServer.respond(ex, 405, JSON, ResultJson.error("only GET is supported here"));
    } else if (path.equals("/live")) {
      ex.getResponseHeaders().set("Location", "/live/"); // relative links resolve under /live/
      ex.sendResponseHeaders(302, -1);
    } else if (name.equals("image")) {
      file(ex, "image.html");
    } else if (FILES.containsKey(name)) {
      file(ex, name);
    } else if (name.equals("preview")) {
      preview(ex, query, "/live/preview");
    } else if (name.equals("heat")) {
      preview(ex, query, "/live/heat");
    } else if (name.equals("status")) {
      status(ex);
    } else {
      HealthServer.respond(ex, 404, JSON, ResultJson.error("unknown path " + path));
    }
  }

  private void file(HttpExchange ex, String name) throws IOException {
    byte[] body;
    try (InputStream in = LivePage.class.getResourceAsStream("/org/wsol/results/live/" + name)) {
      if (in == null) {
        throw new UncheckedIOException(
            new IOException("resource " + name + " missing from the jar"));
      }
      body = in.readAllBytes();
    }
    ex.getResponseHeaders().set("Cache-Control", "no-cache");
    send(ex, 200, FILES.get(name), body);
  }

  private void preview(HttpExchange ex, Map<String, List<String>> query, String what)
      throws IOException {
    String id = first(query, "id");
    if (id == null) {
      HealthServer.respond(ex, 400, JSON, ResultJson.error("give the image: " + what + "?id=ID"));
      return;
    }
    boolean heat = what.endsWith("heat");
    int rank = 1;
    if (heat) {
      try {
        rank = Integer.parseInt(first(query, "rank") == null ? "1" : first(query, "rank"));
      } catch (NumberFormatException e) {
        HealthServer.respond(
            ex,
            400,
            JSON,
            ResultJson.error("rank must be a whole number (0 = ground-truth class)"));
        return;
      }
    }
    ImagePreview p = previews.get(id);
    byte[] body = null;
    String type = "image/png";
    if (p != null && !heat) {
      body = p.workingJpeg();
      type = body.length > 1 && (body[0] & 255) == 0x89 ? "image/png" : "image/jpeg";
    } else if (p != null) {
      LevelMap m = p.map(rank);
      body = m == null ? null : HeatPng.of(m);
    }
    if (body == null && ex.getRequestHeaders().getFirst(ResultsHttp.FORWARDED) == null) {
      String pathAndQuery =
          what
              + "?id="
              + URLEncoder.encode(id, StandardCharsets.UTF_8)
              + (heat ? "&rank=" + rank : "");
      for (HostInfo other : others.get()) {
        HttpResponse<byte[]> r = ask(other, pathAndQuery);
        if (r != null && r.statusCode() == 200) {
          ex.getResponseHeaders().set("X-Wsol-Served-By", other.host() + ":" + other.port());
          body = r.body();
          type = r.headers().firstValue("Content-Type").orElse(type);
          break;
        }
      }
    }
    if (body == null) {
      HealthServer.respond(
          ex,
          404,
          JSON,
          ResultJson.error(
              "no preview of image '"
                  + id
                  + "'"
                  + (heat ? " rank " + rank : "")
                  + ": previews are kept for the newest images (results.previews.max.images) that reached "
                  + "the saliency topic while a results instance was running"));
      return;
    }
    ex.getResponseHeaders().set("Cache-Control", "max-age=3600");
    send(ex, 200, type, body);
  }

  private HttpResponse<byte[]> ask(HostInfo host, String pathAndQuery) {
    try {
      return client.send(
          HttpRequest.newBuilder(
                  URI.create("http://" + host.host() + ":" + host.port() + pathAndQuery))
              .timeout(Duration.ofSeconds(5))
              .header(ResultsHttp.FORWARDED, self.host() + ":" + self.port())
              .GET()
              .build(),
          HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      log.debug(
          "results instance {}:{} did not answer: {}", host.host(), host.port(), e.toString());
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private void status(HttpExchange ex) throws IOException {
    long now = System.currentTimeMillis();
    ResultCounts c = live.counts();
    PipelineStatus.Snapshot s = status.snapshot();
    ObjectNode o = ResultJson.MAPPER.createObjectNode();
    o.put("images_per_s", Math.round(c.perSecond(now) * 100) / 100.0);
    o.put("complete", c.complete()).put("incomplete", c.incomplete()).put("rejected", c.rejected());
    o.put("dead_letters", s.deadLetters());
    ObjectNode lag = o.putObject("lag");
    s.lag().forEach(lag::put);
    o.put("previews", previews.size()).put("preview_bytes", previews.bytes());
    HealthServer.respond(ex, 200, JSON, ResultJson.write(o));
  }

  private static String first(Map<String, List<String>> query, String key) {
    List<String> v = query.get(key);
    return v == null || v.isEmpty() ? null : v.get(0);
  }

  private static void send(HttpExchange ex, int status, String type, byte[] body)
      throws IOException {
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    }
  }
}
