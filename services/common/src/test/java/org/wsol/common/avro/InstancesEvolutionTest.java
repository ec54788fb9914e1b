package org.wsol.common.avro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.SchemaStore;
import org.junit.jupiter.api.Test;
import org.wsol.schema.Box;
import org.wsol.schema.BoxResult;
import org.wsol.schema.ClassBox;
import org.wsol.schema.Instance;
import org.wsol.schema.LocalizationResult;
import org.wsol.schema.ResultState;

/**
 * ClassBox gained instances (one box per object): BoxResult v1 -> v2, LocalizationResult and
 * ResultState v2 -> v3. A new reader reads records written before (no instances), and a reader
 * still on the old schemas reads new records (it sees the main box and nothing else).
 */
class InstancesEvolutionTest {
  static Schema published(String file) throws Exception {
    try (InputStream in =
        InstancesEvolutionTest.class.getResourceAsStream("/avro-history/" + file)) {
      return new Schema.Parser().parse(in);
    }
  }

  static GenericRecord oldClassBox(Schema classBox) {
    GenericRecord b = new GenericData.Record(classBox);
    b.put("class_index", 207);
    b.put("class_label", "golden retriever");
    b.put("rank", 1);
    b.put("score", 12.5f);
    GenericRecord box = new GenericData.Record(classBox.getField("box").schema().getTypes().get(1));
    box.put("x_min", 10);
    box.put("y_min", 20);
    box.put("x_max", 300);
    box.put("y_max", 200);
    b.put("box", box);
    b.put("mask_area", 4_000);
    b.put("worker", "w1");
    return b;
  }

  static ClassBox newClassBox() {
    return ClassBox.newBuilder()
        .setClassIndex(207)
        .setClassLabel("golden retriever")
        .setRank(1)
        .setScore(12.5f)
        .setBox(new Box(10, 20, 300, 200))
        .setMaskArea(4_000)
        .setWorker("w1")
        .setInstances(
            List.of(
                new Instance(new Box(10, 20, 140, 200), 1f, 0.6f),
                new Instance(new Box(170, 30, 300, 190), 0.7f, 0.4f)))
        .build();
  }

  @Test
  void theSchemasAreCompatibleBothWays() throws Exception {
    for (String[] pair :
        new String[][] {
          {"BoxResult.v1.avsc", "BoxResult"},
          {"LocalizationResult.v2.avsc", "LocalizationResult"},
          {"ResultState.v2.avsc", "ResultState"}
        }) {
      Schema old = published(pair[0]);
      Schema now =
          switch (pair[1]) {
            case "BoxResult" -> BoxResult.getClassSchema();
            case "LocalizationResult" -> LocalizationResult.getClassSchema();
            default -> ResultState.getClassSchema();
          };
      assertEquals(
          SchemaCompatibilityType.COMPATIBLE,
          SchemaCompatibility.checkReaderWriterCompatibility(now, old).getType(),
          pair[1] + ": new reader, old writer");
      assertEquals(
          SchemaCompatibilityType.COMPATIBLE,
          SchemaCompatibility.checkReaderWriterCompatibility(old, now).getType(),
          pair[1] + ": old reader, new writer");
    }
  }

  @Test
  void aNewReaderReadsABoxWrittenBeforeInstancesAsOneWithout() throws Exception {
    Schema v1 = published("BoxResult.v1.avsc");
    GenericRecord r = new GenericData.Record(v1);
    r.put("image_id", "dogs");
    r.put("top_k", 5);
    r.put("box", oldClassBox(v1.getField("box").schema()));
    r.put("original_width", 640);
    r.put("original_height", 480);
    r.put("model_id", "m");
    r.put("ground_truth", null);
    r.put("image_produced_at", 1_000L);
    r.put("saliency_ms", 3f);
    r.put("segment_ms", 4f);
    byte[] bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(r).array();

    BoxResult back = new AvroCodec<>(BoxResult.class).decode(bytes);
    assertEquals(new Box(10, 20, 300, 200), back.getBox().getBox());
    assertEquals(4_000, back.getBox().getMaskArea());
    assertNull(back.getBox().getInstances(), "records written before the field have none (null)");
  }

  @Test
  void aNewReaderReadsAResultWrittenWithV2() throws Exception {
    Schema v2 = published("LocalizationResult.v2.avsc");
    GenericRecord r = new GenericData.Record(v2);
    r.put("image_id", "old");
    r.put("boxes", List.of(oldClassBox(v2.getField("boxes").schema().getElementType())));
    r.put("top_k", 1);
    r.put("complete", true);
    r.put("missing_ranks", List.of());
    r.put("original_width", 640);
    r.put("original_height", 480);
    r.put("model_id", "m");
    r.put("latency_ms", 12L);
    r.put("completed_at", 1_000L);
    r.put("ground_truth", null);
    r.put("score", null);
    r.put("status", "complete");
    r.put("rejection", null);
    byte[] bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v2).encode(r).array();

    LocalizationResult back = new AvroCodec<>(LocalizationResult.class).decode(bytes);
    assertEquals("complete", back.getStatus());
    assertEquals(new Box(10, 20, 300, 200), back.getBoxes().get(0).getBox());
    assertNull(back.getBoxes().get(0).getInstances());
  }

  @Test
  void aReaderStillOnTheOldSchemasReadsNewRecordsWithTheirMainBox() throws Exception {
    BoxResult box =
        BoxResult.newBuilder()
            .setImageId("dogs")
            .setTopK(5)
            .setBox(newClassBox())
            .setOriginalWidth(640)
            .setOriginalHeight(480)
            .setModelId("m")
            .setImageProducedAt(Instant.ofEpochMilli(1_000))
            .setSaliencyMs(3f)
            .setSegmentMs(4f)
            .build();
    GenericRecord oldBox =
        oldReader(published("BoxResult.v1.avsc"), BoxResult.getClassSchema())
            .decode(new AvroCodec<>(BoxResult.class).encode(box));
    GenericRecord cb = (GenericRecord) oldBox.get("box");
    assertEquals(300, ((GenericRecord) cb.get("box")).get("x_max"));
    assertNull(cb.getSchema().getField("instances"), "an old reader does not see the new field");

    LocalizationResult result =
        LocalizationResult.newBuilder()
            .setImageId("dogs")
            .setBoxes(List.of(newClassBox()))
            .setTopK(1)
            .setComplete(true)
            .setOriginalWidth(640)
            .setOriginalHeight(480)
            .setModelId("m")
            .setLatencyMs(40)
            .setCompletedAt(Instant.ofEpochMilli(2_000))
            .setStatus("complete")
            .build();
    GenericRecord old =
        oldReader(published("LocalizationResult.v2.avsc"), LocalizationResult.getClassSchema())
            .decode(new AvroCodec<>(LocalizationResult.class).encode(result));
    List<?> boxes = (List<?>) old.get("boxes");
    assertEquals(1, boxes.size());
    assertEquals(4_000, ((GenericRecord) boxes.get(0)).get("mask_area"));
    assertEquals("complete", old.get("status").toString());
  }

  @Test
  void aResultStoreWrittenWithV2StillDecodes() throws Exception {
    Schema v2 = published("ResultState.v2.avsc");
    Schema result = v2.getField("result").schema();
    GenericRecord r = new GenericData.Record(result);
    r.put("image_id", "old");
    r.put("boxes", List.of(oldClassBox(result.getField("boxes").schema().getElementType())));
    r.put("top_k", 2);
    r.put("complete", false);
    r.put("missing_ranks", List.of(2));
    r.put("original_width", 640);
    r.put("original_height", 480);
    r.put("model_id", "m");
    r.put("latency_ms", 12L);
    r.put("completed_at", 1_000L);
    GenericRecord s = new GenericData.Record(v2);
    s.put("result", r);
    s.put("first_box_at", 5L);
    s.put("image_produced_at", 4L);
    s.put("emitted", false);
    s.put("duplicates", 0);
    byte[] bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v2).encode(s).array();
    ResultState back = new AvroCodec<>(ResultState.class).decode(bytes);
    assertNull(back.getResult().getBoxes().get(0).getInstances());
    assertEquals(List.of(2), back.getResult().getMissingRanks());
  }

  /**
   * A reader on {@code own}, resolving the writer's schema by fingerprint (a registry, or the
   * published schemas).
   */
  static BinaryMessageDecoder<GenericRecord> oldReader(Schema own, Schema writer) {
    SchemaStore.Cache known = new SchemaStore.Cache();
    known.addSchema(writer);
    return new BinaryMessageDecoder<>(GenericData.get(), own, known);
  }
}
