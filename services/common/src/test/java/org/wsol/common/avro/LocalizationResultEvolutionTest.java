package org.wsol.common.avro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import org.wsol.schema.LocalizationResult;
import org.wsol.schema.Rejection;
import org.wsol.schema.ResultState;

/**
 * LocalizationResult v1 -> v2 (status and rejection added): a new reader reads records written
 * before, and a reader still on v1 reads the new records (it sees a rejected image as an incomplete
 * result).
 */
class LocalizationResultEvolutionTest {
  static Schema published(String file) throws Exception {
    try (InputStream in =
        LocalizationResultEvolutionTest.class.getResourceAsStream("/avro-history/" + file)) {
      return new Schema.Parser().parse(in);
    }
  }

  static GenericRecord v1Result(Schema v1) {
    GenericRecord r = new GenericData.Record(v1);
    r.put("image_id", "old");
    r.put("boxes", List.of());
    r.put("top_k", 2);
    r.put("complete", false);
    r.put("missing_ranks", List.of(2));
    r.put("original_width", 640);
    r.put("original_height", 480);
    r.put("model_id", "m");
    r.put("latency_ms", 12L);
    r.put("completed_at", 1_000L);
    r.put("ground_truth", null);
    r.put("score", null);
    return r;
  }

  @Test
  void theSchemasAreCompatibleBothWays() throws Exception {
    Schema v1 = published("LocalizationResult.v1.avsc");
    Schema v2 = LocalizationResult.getClassSchema();
    assertEquals(
        SchemaCompatibilityType.COMPATIBLE,
        SchemaCompatibility.checkReaderWriterCompatibility(v2, v1).getType(),
        "new reader, old writer");
    assertEquals(
        SchemaCompatibilityType.COMPATIBLE,
        SchemaCompatibility.checkReaderWriterCompatibility(v1, v2).getType(),
        "old reader, new writer");
    assertEquals(
        SchemaCompatibilityType.COMPATIBLE,
        SchemaCompatibility.checkReaderWriterCompatibility(
                ResultState.getClassSchema(), published("ResultState.v1.avsc"))
            .getType(),
        "a results store written by v1");
  }

  @Test
  void aNewReaderReadsARecordWrittenWithV1() throws Exception {
    Schema v1 = published("LocalizationResult.v1.avsc");
    byte[] bytes =
        new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(v1Result(v1)).array();

    LocalizationResult r = new AvroCodec<>(LocalizationResult.class).decode(bytes);
    assertEquals("old", r.getImageId());
    assertEquals(List.of(2), r.getMissingRanks());
    assertEquals(Instant.ofEpochMilli(1_000), r.getCompletedAt());
    assertNull(r.getStatus(), "v1 records have no status: complete tells");
    assertNull(r.getRejection());
  }

  @Test
  void aResultStoreWrittenWithV1StillDecodes() throws Exception {
    Schema v1 = published("ResultState.v1.avsc");
    GenericRecord s = new GenericData.Record(v1);
    s.put("result", v1Result(v1.getField("result").schema()));
    s.put("first_box_at", 5L);
    s.put("image_produced_at", 4L);
    s.put("emitted", true);
    s.put("duplicates", 0);
    byte[] bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(s).array();
    ResultState back = new AvroCodec<>(ResultState.class).decode(bytes);
    assertEquals("old", back.getResult().getImageId());
    assertNull(back.getResult().getStatus());
  }

  @Test
  void aReaderStillOnV1ReadsARejectedResultAsAnIncompleteOne() throws Exception {
    LocalizationResult rejected =
        LocalizationResult.newBuilder()
            .setImageId("photo")
            .setBoxes(List.of())
            .setTopK(3)
            .setComplete(false)
            .setMissingRanks(List.of(1, 2, 3))
            .setOriginalWidth(0)
            .setOriginalHeight(0)
            .setModelId("")
            .setLatencyMs(40)
            .setCompletedAt(Instant.ofEpochMilli(2_000))
            .setStatus("rejected")
            .setRejection(new Rejection("saliency", "unsupported or unrecognised image format", ""))
            .build();
    byte[] bytes = new AvroCodec<>(LocalizationResult.class).encode(rejected);

    // An old reader: its own (v1) schema, and the writer's schema found by fingerprint (a registry,
    // or a store
    // holding the published schemas).
    Schema v1 = published("LocalizationResult.v1.avsc");
    SchemaStore.Cache known = new SchemaStore.Cache();
    known.addSchema(LocalizationResult.getClassSchema());
    GenericRecord old =
        new BinaryMessageDecoder<GenericRecord>(GenericData.get(), v1, known).decode(bytes);
    assertEquals("photo", old.get("image_id").toString());
    assertFalse((Boolean) old.get("complete"));
    assertEquals(List.of(1, 2, 3), old.get("missing_ranks"));
    assertNull(old.getSchema().getField("status"), "an old reader does not see the new fields");
  }
}
