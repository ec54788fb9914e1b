package org.wsol.results.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.specific.SpecificData;
import org.wsol.schema.LocalizationResult;

/**
 * The one JSON form of results (HTTP API, {@code wsol subscribe}): the Avro record's own field
 * names (snake_case, as in schemas/avro), timestamps as ISO-8601 strings, bytes as base64, absent
 * optionals as null. Driven by the schema, so a field added to the schema shows up here without
 * code.
 */
public final class ResultJson {
  public static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private ResultJson() {}

  public static ObjectNode tree(IndexedRecord record) {
    return (ObjectNode) value(record.getSchema(), record);
  }

  /** One line of JSON, for JSON-lines output and server-sent events. */
  public static String line(LocalizationResult result) {
    return write(tree(result));
  }

  public static String write(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  public static JsonNode read(String json) {
    try {
      return MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** {"error": message}: what went wrong, in words a person can act on. */
  public static String error(String message) {
    return write(F.objectNode().put("error", message));
  }

  private static JsonNode value(Schema schema, Object v) {
    if (v == null) {
      return F.nullNode();
    }
    switch (schema.getType()) {
      case RECORD:
        {
          IndexedRecord r = (IndexedRecord) v;
          ObjectNode o = F.objectNode();
          for (Schema.Field f : schema.getFields()) {
            o.set(f.name(), value(f.schema(), r.get(f.pos())));
          }
          return o;
        }
      case UNION:
        return value(schema.getTypes().get(SpecificData.get().resolveUnion(schema, v)), v);
      case ARRAY:
        {
          ArrayNode a = F.arrayNode();
          for (Object item : (Collection<?>) v) {
            a.add(value(schema.getElementType(), item));
          }
          return a;
        }
      case MAP:
        {
          ObjectNode o = F.objectNode();
          for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
            o.set(e.getKey().toString(), value(schema.getValueType(), e.getValue()));
          }
          return o;
        }
      case STRING:
      case ENUM:
        return F.textNode(v.toString());
      case BYTES:
        {
          ByteBuffer b = ((ByteBuffer) v).duplicate();
          byte[] bytes = new byte[b.remaining()];
          b.get(bytes);
          return F.textNode(Base64.getEncoder().encodeToString(bytes));
        }
      case FIXED:
        return F.textNode(Base64.getEncoder().encodeToString(((GenericFixed) v).bytes()));
      case INT:
        return F.numberNode((Integer) v);
      case LONG:
        return v instanceof Instant t ? F.textNode(t.toString()) : F.numberNode((Long) v);
      case FLOAT:
        return F.numberNode((Float) v);
      case DOUBLE:
        return F.numberNode((Double) v);
      case BOOLEAN:
        return F.booleanNode((Boolean) v);
      default:
        return F.nullNode();
    }
  }
}
