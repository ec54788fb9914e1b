package org.wsol.common.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every service's operational endpoints, on the JDK's built-in HTTP server: {@code /health/live}
 * (the process answers), {@code /health/ready} (it is connected and working; 503 otherwise) and
 * {@code /metrics} (Prometheus text from Micrometer). Services may add their own routes.
 */
public final class HealthServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HealthServer.class);
  private final HttpServer server;
  private final PrometheusMeterRegistry registry;

  public HealthServer(
      String host, int port, PrometheusMeterRegistry registry, BooleanSupplier ready) {
    this.registry = registry;
    try {
      server = HttpServer.create(new InetSocketAddress(host, port), 64);
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot listen on "
              + host
              + ":"
              + port
              + " ("
              + e.getMessage()
              + "): stop what uses it, or choose another port: --set results.http.port=... for the results service, "
              + "--set metrics.port=... for saliency and segmenter (0 = any free port)",
          e);
    }
    // Cached, not fixed: a server-sent-event client holds its thread for as long as it listens.
    server.setExecutor(
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "http-" + port);
              t.setDaemon(true);
              return t;
            }));
    route("/health/live", ex -> respond(ex, 200, "text/plain", "ok\n"));
    route(
        "/health/ready",
        ex -> {
          boolean ok = ready.getAsBoolean();
          respond(ex, ok ? 200 : 503, "text/plain", ok ? "ready\n" : "not ready\n");
        });
    route(
        "/metrics",
        ex -> respond(ex, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape()));
  }

  public static PrometheusMeterRegistry newRegistry() {
    return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  public void route(String path, HttpHandler handler) {
    server.createContext(
        path,
        ex -> {
          try {
            handler.handle(ex);
          } catch (RuntimeException e) {
            log.warn("{} {}: {}", ex.getRequestMethod(), ex.getRequestURI(), e.toString());
            respond(ex, 500, "text/plain", "error: " + e.getMessage() + "\n");
          } finally {
            ex.close();
          }
        });
  }

  public HealthServer start() {
    server.start();
    log.info(
        "health and metrics on http://{}:{}/ (health/live, health/ready, metrics)",
        server.getAddress().getHostString(),
        port());
    return this;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** Where it listens: loopback unless {@code http.host} widened it. */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  public static void respond(HttpExchange ex, int status, String contentType, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", contentType);
    ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
