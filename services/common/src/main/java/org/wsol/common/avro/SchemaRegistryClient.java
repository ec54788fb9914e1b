package org.wsol.common.avro;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * The two calls of the Confluent Schema Registry REST API that a serde needs: register a schema
 * under a subject (returns its id; idempotent), and fetch a schema by id. Answers are cached for
 * the life of the process, since an id never changes meaning. Works with Confluent's registry,
 * Apicurio's {@code /apis/ccompat/v7}, Karapace and Redpanda.
 */
public final class SchemaRegistryClient {
  private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int ATTEMPTS = 3;

  private final String baseUrl;
  private final HttpClient http;
  private final Map<String, Integer> ids = new ConcurrentHashMap<>();
  private final Map<Integer, Schema> schemas = new ConcurrentHashMap<>();

  public SchemaRegistryClient(String baseUrl) {
    if (baseUrl == null || baseUrl.isBlank()) {
      throw new IllegalArgumentException(
          "wire.format=registry needs schema.registry.url, e.g. "
              + "http://registry:8080/apis/ccompat/v7 (Apicurio) or http://schema-registry:8081 (Confluent)");
    }
    this.baseUrl = baseUrl.replaceAll("/+$", "");
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  public String baseUrl() {
    return baseUrl;
  }

  /**
   * The id of {@code schema} under {@code subject}, registering it when the registry does not have
   * it.
   */
  public int register(String subject, Schema schema) {
    String body = schema.toString();
    return ids.computeIfAbsent(
        subject + '\n' + body,
        k -> {
          String payload = JSON.createObjectNode().put("schema", body).toString();
          JsonNode answer =
              call(
                  HttpRequest.newBuilder(uri("/subjects/" + encode(subject) + "/versions"))
                      .header("Content-Type", CONTENT_TYPE)
                      .POST(HttpRequest.BodyPublishers.ofString(payload)),
                  "register " + schema.getFullName() + " as " + subject);
          return answer.path("id").asInt();
        });
  }

  /** The schema registered with {@code id}. */
  public Schema schema(int id) {
    return schemas.computeIfAbsent(
        id,
        k -> {
          JsonNode answer =
              call(
                  HttpRequest.newBuilder(uri("/schemas/ids/" + id)).GET(), "fetch schema id " + id);
          return new Schema.Parser().parse(answer.path("schema").asText());
        });
  }

  private JsonNode call(HttpRequest.Builder request, String what) {
    HttpRequest req =
        request.header("Accept", CONTENT_TYPE).timeout(Duration.ofSeconds(10)).build();
    IOException last = null;
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try {
        HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 == 2) {
          return JSON.readTree(r.body());
        }
        if (r.statusCode() / 100 == 4) {
          // The registry understood and refused (unknown id, incompatible schema): retrying will
          // not help.
          throw new WireFormatException(
              "schema registry "
                  + baseUrl
                  + " refused to "
                  + what
                  + ": HTTP "
                  + r.statusCode()
                  + " "
                  + r.body());
        }
        last = new IOException("HTTP " + r.statusCode() + " " + r.body());
      } catch (IOException e) {
        last = e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RegistryUnavailableException("interrupted while trying to " + what, e);
      }
      try {
        Thread.sleep(100L << attempt);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    throw new RegistryUnavailableException(
        "schema registry "
            + baseUrl
            + " unreachable ("
            + what
            + "): "
            + last
            + "; check schema.registry.url and that the registry is up",
        last);
  }

  private URI uri(String path) {
    return URI.create(baseUrl + path);
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /**
   * The registry could not be asked; unlike a {@link WireFormatException} this says nothing about
   * the record, so a consumer must not dead-letter it but stop and replay it later.
   */
  public static final class RegistryUnavailableException extends RuntimeException {
    public RegistryUnavailableException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
