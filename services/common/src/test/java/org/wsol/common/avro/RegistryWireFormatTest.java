package org.wsol.common.avro;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.util.Map;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.Test;
import org.wsol.common.config.Settings;
import org.wsol.schema.Box;

/**
 * What registry mode does without a registry; the round trip through a real one is RegistryModeIT
 * (cli).
 */
class RegistryWireFormatTest {
  @Test
  void defaultModeIsSingleObjectAndRegistryModeIsChosenBySetting() {
    Settings defaults = Settings.load(null, Map.of(), Map.of());
    assertInstanceOf(SingleObjectWireFormat.class, WireFormat.from(defaults));
    assertInstanceOf(
        RegistryWireFormat.class,
        WireFormat.from(
            defaults.withAll(
                Map.of(
                    "wire.format",
                    "registry",
                    "schema.registry.url",
                    "http://127.0.0.1:1/apis/ccompat/v7"))));
  }

  @Test
  void registryModeWithoutUrlSaysWhatToSet() {
    Settings s = Settings.load(null, Map.of(), Map.of("wire.format", "registry"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> WireFormat.from(s));
    assertTrue(e.getMessage().contains("schema.registry.url"), e.getMessage());
  }

  @Test
  void singleObjectBytesAreRefusedAsBadRecordsWithoutAskingTheRegistry() throws Exception {
    Deserializer<Box> d =
        new RegistryWireFormat(new SchemaRegistryClient("http://127.0.0.1:" + closedPort()))
            .serde(Box.class)
            .deserializer();
    byte[] singleObject = new AvroCodec<>(Box.class).encode(new Box(1, 2, 3, 4));
    WireFormatException e =
        assertThrows(WireFormatException.class, () -> d.deserialize("boxes", singleObject));
    assertTrue(
        e.getMessage().contains("0xC3") && e.getMessage().contains("single-object"),
        e.getMessage());
    assertThrows(WireFormatException.class, () -> d.deserialize("boxes", new byte[] {0, 0}));
  }

  @Test
  void anUnreachableRegistryIsNotABadRecord() throws Exception {
    Deserializer<Box> d =
        new RegistryWireFormat(new SchemaRegistryClient("http://127.0.0.1:" + closedPort()))
            .serde(Box.class)
            .deserializer();
    SchemaRegistryClient.RegistryUnavailableException e =
        assertThrows(
            SchemaRegistryClient.RegistryUnavailableException.class,
            () -> d.deserialize("boxes", new byte[] {0, 0, 0, 0, 7, 2, 4, 6, 8}));
    assertTrue(e.getMessage().contains("schema.registry.url"), e.getMessage());
  }

  private static int closedPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
