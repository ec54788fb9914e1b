package org.wsol.common.avro;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The Confluent wire format: magic byte 0, the writer schema's 4-byte big-endian registry id, Avro
 * binary. Writers register their schema under the subject {@code <topic>-value} (Confluent's
 * TopicNameStrategy), so any Confluent-compatible client reads our topics; readers fetch the writer
 * schema by id and resolve it to the generated class's schema, so schema evolution is the
 * registry's job in this mode.
 */
public final class RegistryWireFormat implements WireFormat {
  static final byte MAGIC = 0;
  private final SchemaRegistryClient registry;

  public RegistryWireFormat(SchemaRegistryClient registry) {
    this.registry = registry;
  }

  public static String subject(String topic) {
    return topic + "-value";
  }

  @Override
  public <T extends SpecificRecord> Serde<T> serde(Class<T> type) {
    SpecificData model = new SpecificData(type.getClassLoader());
    Schema schema = model.getSchema(type);
    return Serdes.serdeFrom(serializer(model, schema), deserializer(model, schema));
  }

  private <T> Serializer<T> serializer(SpecificData model, Schema schema) {
    SpecificDatumWriter<T> writer = new SpecificDatumWriter<>(schema, model);
    return (topic, record) -> {
      if (record == null) {
        return null;
      }
      int id = registry.register(subject(topic), schema);
      ByteArrayOutputStream out = new ByteArrayOutputStream(256);
      out.write(MAGIC);
      out.writeBytes(ByteBuffer.allocate(4).putInt(id).array());
      BinaryEncoder enc = EncoderFactory.get().directBinaryEncoder(out, null);
      try {
        writer.write(record, enc);
        enc.flush();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return out.toByteArray();
    };
  }

  private <T> Deserializer<T> deserializer(SpecificData model, Schema schema) {
    Map<Integer, DatumReader<T>> readers = new ConcurrentHashMap<>();
    return (topic, bytes) -> {
      if (bytes == null) {
        return null;
      }
      if (bytes.length < 5 || bytes[0] != MAGIC) {
        throw new WireFormatException(
            "not a schema-registry record ("
                + bytes.length
                + " bytes, first byte "
                + (bytes.length == 0 ? "none" : String.format("0x%02X", bytes[0]))
                + ", expected 0x00 + 4-byte schema id"
                + " then an Avro "
                + schema.getName()
                + "); was it written with wire.format=single-object?");
      }
      int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
      DatumReader<T> reader =
          readers.computeIfAbsent(
              id,
              k -> {
                Schema writer = registry.schema(id);
                if (!writer.getFullName().equals(schema.getFullName())) {
                  throw new WireFormatException(
                      "schema id "
                          + id
                          + " is "
                          + writer.getFullName()
                          + ", expected "
                          + schema.getFullName());
                }
                return new SpecificDatumReader<>(writer, schema, model);
              });
      try {
        return reader.read(
            null, DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null));
      } catch (IOException | RuntimeException e) {
        throw new WireFormatException(
            "corrupt " + schema.getName() + " record (schema id " + id + "): " + e, e);
      }
    };
  }
}
