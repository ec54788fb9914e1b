package org.wsol.common.avro;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Avro single-object encoding (C3 01 + 8-byte schema fingerprint + binary body) for one generated
 * record type. The fingerprint names the writer's schema, so a reader on a newer schema resolves
 * older records: every schema the project ever published for this record is loaded from {@code
 * avro-history/} on the classpath.
 */
public final class AvroCodec<T extends SpecificRecord> {
  private final Schema schema;
  private final BinaryMessageEncoder<T> encoder;
  private final BinaryMessageDecoder<T> decoder;

  public AvroCodec(Class<T> type) {
    this.schema = SpecificData.get().getSchema(type);
    SpecificData model = new SpecificData(type.getClassLoader());
    this.encoder = new BinaryMessageEncoder<>(model, schema);
    SchemaStore.Cache store = new SchemaStore.Cache();
    for (Schema old : historicalSchemas(schema.getFullName())) {
      store.addSchema(old);
    }
    this.decoder = new BinaryMessageDecoder<>(model, schema, store);
  }

  public Schema schema() {
    return schema;
  }

  public byte[] encode(T record) {
    try {
      return encoder.encode(record).array();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * @throws WireFormatException when the bytes are not a record of this type in a known schema
   */
  public T decode(byte[] bytes) {
    if (bytes == null) {
      throw new WireFormatException("empty record: expected an Avro " + schema.getName());
    }
    try {
      return decoder.decode(bytes);
    } catch (BadHeaderException e) {
      throw new WireFormatException(
          "not an Avro single-object record ("
              + bytes.length
              + " bytes, expected "
              + schema.getName()
              + "): "
              + e.getMessage(),
          e);
    } catch (MissingSchemaException e) {
      throw new WireFormatException(
          "written with an unknown schema (expected "
              + schema.getName()
              + " or an ancestor in schemas/avro-history): "
              + e.getMessage(),
          e);
    } catch (IOException | RuntimeException e) {
      throw new WireFormatException("corrupt " + schema.getName() + " record: " + e, e);
    }
  }

  /**
   * Schemas published earlier for {@code fullName}: every {@code avro-history/index.txt} on the
   * classpath lists files beside it, one per line.
   */
  static List<Schema> historicalSchemas(String fullName) {
    List<Schema> out = new ArrayList<>();
    ClassLoader cl = AvroCodec.class.getClassLoader();
    try {
      for (URL index : Collections.list(cl.getResources("avro-history/index.txt"))) {
        String listing;
        try (InputStream in = index.openStream()) {
          listing = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        for (String line : listing.split("\n")) {
          String file = line.trim();
          if (file.isEmpty() || file.startsWith("#")) {
            continue;
          }
          try (InputStream in = new URL(index, file).openStream()) {
            Schema s = new Schema.Parser().parse(in);
            if (s.getFullName().equals(fullName)) {
              out.add(s);
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the schema history: " + e.getMessage(), e);
    }
    return out;
  }
}
