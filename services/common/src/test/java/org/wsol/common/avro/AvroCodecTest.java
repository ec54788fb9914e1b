package org.wsol.common.avro;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;
import org.wsol.schema.Box;
import org.wsol.schema.GroundTruth;
import org.wsol.schema.ImageEvent;

class AvroCodecTest {
  private final AvroCodec<ImageEvent> codec = new AvroCodec<>(ImageEvent.class);

  private static Schema oldSchema() throws Exception {
    try (InputStream in =
        AvroCodecTest.class.getResourceAsStream("/avro-history/ImageEvent.v0-test.avsc")) {
      return new Schema.Parser().parse(in);
    }
  }

  @Test
  void roundTripsWithFingerprintHeader() {
    ImageEvent e =
        ImageEvent.newBuilder()
            .setId("a")
            .setImageBytes(ByteBuffer.wrap(new byte[] {1, 2, 3}))
            .setTopK(3)
            .setProducedAt(Instant.ofEpochMilli(1234))
            .setGroundTruth(new GroundTruth(7, List.of(new Box(1, 2, 3, 4))))
            .build();
    byte[] bytes = codec.encode(e);
    assertEquals((byte) 0xC3, bytes[0]);
    assertEquals((byte) 0x01, bytes[1]);
    ImageEvent back = codec.decode(bytes);
    assertEquals(e, back);
  }

  @Test
  void readsRecordWrittenWithOlderSchema() throws Exception {
    Schema old = oldSchema();
    GenericRecord r = new GenericData.Record(old);
    r.put("id", "old-1");
    r.put("image_bytes", ByteBuffer.wrap(new byte[] {9, 8}));
    r.put("image_uri", null);
    r.put("produced_at", 42L);
    byte[] bytes =
        new BinaryMessageEncoder<GenericRecord>(GenericData.get(), old).encode(r).array();

    ImageEvent read = codec.decode(bytes);
    assertEquals("old-1", read.getId());
    assertArrayEquals(new byte[] {9, 8}, read.getImageBytes().array());
    assertEquals(5, read.getTopK(), "added field takes its default");
    assertNull(read.getGroundTruth());
    assertNull(read.getSourceName());
    assertEquals(Instant.ofEpochMilli(42), read.getProducedAt());
  }

  @Test
  void currentSchemaCanReadTheOldOne() throws Exception {
    assertEquals(
        SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE,
        SchemaCompatibility.checkReaderWriterCompatibility(ImageEvent.getClassSchema(), oldSchema())
            .getType());
  }

  @Test
  void refusesBytesThatAreNotAvro() {
    WireFormatException e =
        assertThrows(WireFormatException.class, () -> codec.decode("hello".getBytes()));
    assertTrue(e.getMessage().contains("not an Avro single-object record"), e.getMessage());
  }

  @Test
  void refusesUnknownWriterSchema() {
    Schema other =
        new Schema.Parser()
            .parse(
                "{\"type\":\"record\",\"name\":\"ImageEvent\",\"namespace\":\"org.wsol.schema\",\"fields\":[{\"name\":\"x\",\"type\":\"int\"}]}");
    GenericRecord r = new GenericData.Record(other);
    r.put("x", 1);
    byte[] bytes;
    try {
      bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), other).encode(r).array();
    } catch (Exception ex) {
      throw new AssertionError(ex);
    }
    WireFormatException e = assertThrows(WireFormatException.class, () -> codec.decode(bytes));
    assertTrue(e.getMessage().contains("unknown schema"), e.getMessage());
  }
}
