package org.wsol.results.http;

import static org.wsol.results.http.ResultsHttp.FORWARDED;
import static org.wsol.results.http.ResultsHttp.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wsol.common.http.HealthServer;

/**
 * The other results instances, asked over HTTP: a request for an image another instance owns is
 * forwarded to it, and the latest results of every instance are fetched to merge them. Each request
 * carries {@link ResultsHttp#FORWARDED}, so that none is forwarded twice.
 */
final class PeerInstances {
  private static final Logger log = LoggerFactory.getLogger(PeerInstances.class);

  private final HostInfo self;
  private final HttpClient client =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(3))
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();

  PeerInstances(HostInfo self) {
    this.self = self;
  }

  /** Answers {@code ex} with the owner's answer to the same request. */
  void forward(HttpExchange ex, HostInfo owner, String pathAndQuery) throws IOException {
    URI target = URI.create("http://" + owner.host() + ":" + owner.port() + pathAndQuery);
    try {
      HttpResponse<String> r =
          client.send(
              HttpRequest.newBuilder(target)
                  .timeout(Duration.ofSeconds(10))
                  .header(FORWARDED, self.host() + ":" + self.port())
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      ex.getResponseHeaders().set("X-Wsol-Served-By", owner.host() + ":" + owner.port());
      HealthServer.respond(
          ex, r.statusCode(), r.headers().firstValue("Content-Type").orElse(JSON), r.body());
    } catch (IOException e) {
      HealthServer.respond(
          ex,
          502,
          JSON,
          ResultJson.error(
              "the results instance that owns this image, "
                  + target.getAuthority()
                  + ", did not answer ("
                  + e.getMessage()
                  + "): check that its "
                  + "application.server address (results.advertised.address) is reachable from here"));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      HealthServer.respond(ex, 503, JSON, ResultJson.error("interrupted"));
    }
  }

  /** The JSON an instance answers, or null when it does not answer 200. */
  JsonNode fetch(HostInfo host, String pathAndQuery) {
    try {
      HttpResponse<String> r =
          client.send(
              HttpRequest.newBuilder(
                      URI.create("http://" + host.host() + ":" + host.port() + pathAndQuery))
                  .timeout(Duration.ofSeconds(10))
                  .header(FORWARDED, self.host() + ":" + self.port())
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? ResultJson.read(r.body()) : null;
    } catch (IOException | RuntimeException e) {
      log.warn("results instance {}:{} did not answer: {}", host.host(), host.port(), e.toString());
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
