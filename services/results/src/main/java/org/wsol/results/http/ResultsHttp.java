package org.wsol.results.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.wsol.common.http.HealthServer;
import org.wsol.results.streams.ResultsTopology;
import org.wsol.schema.LocalizationResult;
import org.wsol.schema.ResultState;

/**
 * The results HTTP API, on the service's {@link HealthServer}:
 *
 * <ul>
 *   <li>{@code GET /images/{id}}: the image's result as JSON (status complete, incomplete or
 *       rejected); 404 when unknown, 202 while boxes are missing. The store is partitioned by image
 *       id: a request for an image another instance owns is forwarded to it (Kafka Streams' {@code
 *       queryMetadataForKey} names the owner by its {@code application.server}).
 *   <li>{@code GET /images?limit=N}: the latest N results of every instance, newest first.
 *   <li>{@code GET /images/stream[?id=..]}: server-sent events, one {@code result} event per
 *       result.
 * </ul>
 */
public final class ResultsHttp {
  static final String FORWARDED = "X-Wsol-Forwarded";
  static final int DEFAULT_LIMIT = 20;
  static final int MAX_LIMIT = 1_000;
  static final String JSON = "application/json; charset=utf-8";

  private final KafkaStreams streams;
  private final HostInfo self;
  private final PeerInstances peers;
  private final ResultStream stream;

  public ResultsHttp(KafkaStreams streams, HostInfo self, LiveResults live, int maxStreamClients) {
    this.streams = streams;
    this.self = self;
    this.peers = new PeerInstances(self);
    this.stream = new ResultStream(live, maxStreamClients);
  }

  public void register(HealthServer server) {
    server.route("/images", this::handle);
  }

  void handle(HttpExchange ex) throws IOException {
    if (!ex.getRequestMethod().equals("GET")) {
      HealthServer.respond(ex, 405, JSON, ResultJson.error("only GET is supported here"));
      return;
    }
    String path = ex.getRequestURI().getPath();
    Map<String, List<String>> query = query(ex.getRequestURI().getRawQuery());
    if (path.equals("/images") || path.equals("/images/")) {
      latest(ex, query);
    } else if (path.equals("/images/stream")) {
      stream.serve(ex, query);
    } else if (path.startsWith("/images/")) {
      one(ex, path.substring("/images/".length()));
    } else {
      HealthServer.respond(
          ex,
          404,
          JSON,
          ResultJson.error(
              "unknown path " + path + ": use /images/{id}, /images?limit=N or /images/stream"));
    }
  }

  // ---- GET /images/{id}

  private void one(HttpExchange ex, String id) throws IOException {
    KeyQueryMetadata md =
        streams.queryMetadataForKey(ResultsTopology.STATE_STORE, id, Serdes.String().serializer());
    if (md == null || md.equals(KeyQueryMetadata.NOT_AVAILABLE)) {
      unavailable(ex);
      return;
    }
    if (!md.activeHost().equals(self)) {
      if (ex.getRequestHeaders().getFirst(FORWARDED) != null) {
        // The sender thought we own it; ownership is moving. Never forward twice (no loops).
        HealthServer.respond(
            ex,
            503,
            JSON,
            ResultJson.error(
                "image '"
                    + id
                    + "' is moving between results "
                    + "instances (rebalance); retry in a few seconds"));
        return;
      }
      peers.forward(
          ex,
          md.activeHost(),
          "/images/" + URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20"));
      return;
    }
    ResultState s;
    try {
      ReadOnlyKeyValueStore<String, ResultState> store =
          streams.store(
              StoreQueryParameters.fromNameAndType(
                      ResultsTopology.STATE_STORE,
                      QueryableStoreTypes.<String, ResultState>keyValueStore())
                  .withPartition(md.partition()));
      s = store.get(id);
    } catch (InvalidStateStoreException e) {
      unavailable(ex);
      return;
    }
    if (s == null) {
      HealthServer.respond(
          ex,
          404,
          JSON,
          ResultJson.error(
              "no result for image '"
                  + id
                  + "': ids are the "
                  + "produced file names without extension (GET /images lists the latest); a result exists once a first "
                  + "box of the image (or a stage's refusal of it, answered with status rejected) has reached the results service"));
    } else if (!s.getEmitted()) {
      LocalizationResult r = s.getResult();
      ObjectNode pending = ResultJson.MAPPER.createObjectNode();
      pending.put("image_id", id).put("status", "pending").put("boxes_in", r.getBoxes().size());
      ArrayNode missing = pending.putArray("missing_ranks");
      r.getMissingRanks().forEach(missing::add);
      pending.put(
          "message",
          "still waiting for "
              + r.getMissingRanks().size()
              + " box(es); the result is "
              + "complete when they arrive, or emitted incomplete after results.timeout.ms");
      HealthServer.respond(ex, 202, JSON, ResultJson.write(pending));
    } else {
      HealthServer.respond(ex, 200, JSON, ResultJson.write(ResultJson.tree(s.getResult())));
    }
  }

  // ---- GET /images?limit=N

  private void latest(HttpExchange ex, Map<String, List<String>> query) throws IOException {
    int limit;
    try {
      limit = Integer.parseInt(first(query, "limit", "" + DEFAULT_LIMIT));
    } catch (NumberFormatException e) {
      HealthServer.respond(
          ex, 400, JSON, ResultJson.error("limit must be a whole number, e.g. /images?limit=20"));
      return;
    }
    if (limit < 1 || limit > MAX_LIMIT) {
      HealthServer.respond(
          ex, 400, JSON, ResultJson.error("limit must be between 1 and " + MAX_LIMIT));
      return;
    }
    List<JsonNode> all;
    try {
      all = new ArrayList<>(localLatest(limit));
    } catch (InvalidStateStoreException e) {
      unavailable(ex);
      return;
    }
    if (!first(query, "scope", "all").equals("local")) {
      for (StreamsMetadata m : streams.metadataForAllStreamsClients()) {
        if (m.hostInfo().equals(self)) {
          continue;
        }
        JsonNode remote = peers.fetch(m.hostInfo(), "/images?scope=local&limit=" + limit);
        if (remote == null) {
          HealthServer.respond(
              ex,
              502,
              JSON,
              ResultJson.error(
                  "results instance "
                      + m.hostInfo().host()
                      + ":"
                      + m.hostInfo().port()
                      + " did not answer; its results are missing, so the list would be wrong"));
          return;
        }
        remote.forEach(all::add);
      }
    }
    all.sort(
        Comparator.comparing((JsonNode n) -> Instant.parse(n.path("completed_at").asText()))
            .reversed());
    ArrayNode out = ResultJson.MAPPER.createArrayNode();
    all.stream().limit(limit).forEach(out::add);
    HealthServer.respond(ex, 200, JSON, ResultJson.write(out));
  }

  /** The latest results of this instance's partitions, each partition's index read newest first. */
  private List<JsonNode> localLatest(int limit) {
    List<JsonNode> out = new ArrayList<>();
    for (int partition : localPartitions()) {
      ReadOnlyKeyValueStore<String, String> recent =
          streams.store(
              StoreQueryParameters.fromNameAndType(
                      ResultsTopology.RECENT_STORE,
                      QueryableStoreTypes.<String, String>keyValueStore())
                  .withPartition(partition));
      ReadOnlyKeyValueStore<String, ResultState> states =
          streams.store(
              StoreQueryParameters.fromNameAndType(
                      ResultsTopology.STATE_STORE,
                      QueryableStoreTypes.<String, ResultState>keyValueStore())
                  .withPartition(partition));
      try (KeyValueIterator<String, String> it = recent.reverseAll()) {
        int n = 0;
        while (it.hasNext() && n < limit) {
          ResultState s = states.get(it.next().value);
          if (s != null) {
            out.add(ResultJson.tree(s.getResult()));
            n++;
          }
        }
      }
    }
    return out;
  }

  private Set<Integer> localPartitions() {
    Set<Integer> parts = new HashSet<>();
    for (ThreadMetadata t : streams.metadataForLocalThreads()) {
      for (TaskMetadata task : t.activeTasks()) {
        for (TopicPartition tp : task.topicPartitions()) {
          parts.add(tp.partition());
        }
      }
    }
    return parts;
  }

  // ---- helpers

  private void unavailable(HttpExchange ex) throws IOException {
    HealthServer.respond(
        ex,
        503,
        JSON,
        ResultJson.error(
            "the results store is not ready (Kafka Streams state "
                + streams.state()
                + "); retry in a few seconds"));
  }

  private static String first(Map<String, List<String>> query, String key, String fallback) {
    List<String> v = query.get(key);
    return v == null || v.isEmpty() ? fallback : v.get(0);
  }

  static Map<String, List<String>> query(String raw) {
    Map<String, List<String>> m = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return m;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      m.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
    }
    return m;
  }
}
