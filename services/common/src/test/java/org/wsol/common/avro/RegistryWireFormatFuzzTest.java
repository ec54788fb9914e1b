package org.wsol.common.avro;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.kafka.common.serialization.Deserializer;
import org.wsol.schema.Box;
import org.wsol.schema.BoxResult;
import org.wsol.schema.ImageEvent;
import org.wsol.schema.SaliencyTensor;

/**
 * Record bytes from outside in registry mode (00, a 4-byte schema id, the Avro body), against a
 * stand-in registry on loopback that knows ids 1-3 (ImageEvent, SaliencyTensor, Box) and answers
 * 404 for the rest. Each record type a service reads gives a record or a {@link
 * WireFormatException} with a reason; anything else is a finding.
 */
class RegistryWireFormatFuzzTest {
  static final Map<Integer, Schema> SCHEMAS =
      Map.of(
          1,
          ImageEvent.getClassSchema(),
          2,
          SaliencyTensor.getClassSchema(),
          3,
          Box.getClassSchema());
  static final List<Deserializer<?>> READERS = readers();

  private static List<Deserializer<?>> readers() {
    try {
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      ObjectMapper json = new ObjectMapper();
      server.createContext(
          "/schemas/ids/",
          ex -> {
            String path = ex.getRequestURI().getPath();
            Schema s;
            try {
              s = SCHEMAS.get(Integer.parseInt(path.substring(path.lastIndexOf('/') + 1)));
            } catch (NumberFormatException e) {
              s = null;
            }
            byte[] body =
                (s == null
                        ? "{\"error_code\":40403,\"message\":\"Schema not found\"}"
                        : json.createObjectNode().put("schema", s.toString()).toString())
                    .getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(s == null ? 404 : 200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
          });
      server.setExecutor(null);
      server.start(); // for the life of the test JVM (surefire ends it)
      RegistryWireFormat wire =
          new RegistryWireFormat(
              new SchemaRegistryClient("http://127.0.0.1:" + server.getAddress().getPort()));
      return List.of(
          wire.serde(ImageEvent.class).deserializer(),
          wire.serde(SaliencyTensor.class).deserializer(),
          wire.serde(BoxResult.class).deserializer());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @FuzzTest(maxDuration = "60s")
  void deserializeGivesARecordOrAWireFormatException(byte[] bytes) {
    for (Deserializer<?> reader : READERS) {
      try {
        assertNotNull(reader.deserialize("fuzz", bytes));
      } catch (WireFormatException e) {
        assertFalse(e.getMessage() == null || e.getMessage().isBlank(), "a refusal says why");
      }
    }
  }
}
