package org.wsol.results.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import org.apache.avro.SchemaNormalization;
import org.junit.jupiter.api.Test;
import org.wsol.schema.Box;
import org.wsol.schema.BoxResult;
import org.wsol.schema.ClassBox;
import org.wsol.schema.GroundTruth;
import org.wsol.schema.Instance;
import org.wsol.schema.LocalizationResult;
import org.wsol.schema.LocalizationScore;
import org.wsol.schema.SaliencyTensor;

class ResultJsonTest {
  @Test
  void jsonUsesTheSchemaNamesIsoTimesAndNullForAbsentOptionals() {
    LocalizationResult r =
        LocalizationResult.newBuilder()
            .setImageId("img \"1\"")
            .setBoxes(
                List.of(
                    new ClassBox(
                        24,
                        "great grey owl",
                        0,
                        3.5f,
                        new Box(1, 2, 30, 40),
                        99,
                        "w",
                        List.of(
                            new Instance(new Box(1, 2, 12, 40), 1f, 0.7f),
                            new Instance(new Box(18, 5, 30, 33), 0.6f, 0.3f))),
                    new ClassBox(5, "x", 1, 2f, null, 0, "w", null)))
            .setTopK(1)
            .setComplete(false)
            .setMissingRanks(List.of(2))
            .setOriginalWidth(640)
            .setOriginalHeight(480)
            .setModelId("m")
            .setLatencyMs(1234)
            .setCompletedAt(Instant.parse("2026-11-25T08:00:00.250Z"))
            .setGroundTruth(new GroundTruth(24, List.of(new Box(0, 0, 10, 10))))
            .setScore(new LocalizationScore(0.5f, true, true, 0.25f))
            .build();
    String line = ResultJson.line(r);
    assertTrue(!line.contains("\n"), "one line");
    JsonNode j = ResultJson.read(line);
    assertEquals("img \"1\"", j.get("image_id").asText());
    assertEquals("2026-11-25T08:00:00.250Z", j.get("completed_at").asText());
    assertEquals(1234, j.get("latency_ms").asLong());
    assertEquals(30, j.get("boxes").get(0).get("box").get("x_max").asInt());
    assertTrue(j.get("boxes").get(1).get("box").isNull());
    JsonNode owls = j.get("boxes").get(0).get("instances");
    assertEquals(2, owls.size());
    assertEquals(18, owls.get(1).get("box").get("x_min").asInt());
    assertEquals(0.6, owls.get(1).get("score").asDouble(), 1e-6);
    assertEquals(0.7, owls.get(0).get("mask_share").asDouble(), 1e-6);
    assertTrue(
        j.get("boxes").get(1).get("instances").isNull(),
        "null in records written before instances existed");
    assertEquals(2, j.get("missing_ranks").get(0).asInt());
    assertEquals(10, j.get("ground_truth").get("boxes").get(0).get("y_max").asInt());
    assertTrue(j.get("score").get("top1_correct").asBoolean());
    assertEquals(0.25, j.get("score").get("gt_known_iou").asDouble(), 1e-9);
    assertEquals(
        List.of(
            "image_id",
            "boxes",
            "top_k",
            "complete",
            "missing_ranks",
            "original_width",
            "original_height",
            "model_id",
            "latency_ms",
            "completed_at",
            "ground_truth",
            "score",
            "status",
            "rejection"),
        iterable(j.fieldNames()));
    assertTrue(
        j.get("status").isNull() && j.get("rejection").isNull(), "absent optionals are null");
  }

  static List<String> iterable(java.util.Iterator<String> it) {
    List<String> out = new java.util.ArrayList<>();
    it.forEachRemaining(out::add);
    return out;
  }

  /**
   * The rank-0 contract only changed doc strings, which Avro's parsing canonical form drops: the
   * fingerprints that single-object encoding puts in every record are those of the schemas
   * published before it. LocalizationResult then really changed (v2: status and rejection), and
   * ClassBox gained instances (BoxResult v2, LocalizationResult v3); each earlier version, whose
   * fingerprint is the one pinned here before, is kept in schemas/avro-history so that records
   * written with it still decode.
   */
  @Test
  void docChangesKeptTheWireFingerprints() throws Exception {
    assertEquals(
        -1174734631222328907L, SchemaNormalization.parsingFingerprint64(ClassBox.getClassSchema()));
    assertEquals(
        1086215875094843560L,
        historical("LocalizationResult.v1.avsc"),
        "the history file is v1 exactly");
    assertEquals(
        -3848511760819910391L,
        historical("LocalizationResult.v2.avsc"),
        "the history file is v2 exactly");
    assertEquals(
        -3309742612478308948L, historical("BoxResult.v1.avsc"), "the history file is v1 exactly");
    assertEquals(
        -4327481707989328786L,
        SchemaNormalization.parsingFingerprint64(LocalizationResult.getClassSchema()));
    assertEquals(
        -6390151815971764122L,
        SchemaNormalization.parsingFingerprint64(SaliencyTensor.getClassSchema()));
    assertEquals(
        5465393833885298279L, SchemaNormalization.parsingFingerprint64(BoxResult.getClassSchema()));
  }

  static long historical(String file) throws Exception {
    try (java.io.InputStream in =
        ResultJsonTest.class.getResourceAsStream("/avro-history/" + file)) {
      return SchemaNormalization.parsingFingerprint64(
          new org.apache.avro.Schema.Parser().parse(in));
    }
  }
}
