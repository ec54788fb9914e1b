package org.wsol.common.avro;

import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.wsol.common.config.SettingKeys;
import org.wsol.common.config.Settings;

/**
 * How records travel on topics. Every service gets its serdes here, so a second mode (a schema
 * registry) is one more implementation chosen by the {@code wire.format} setting.
 */
public interface WireFormat {
  <T extends SpecificRecord> Serde<T> serde(Class<T> type);

  /** The wire format the settings ask for. */
  static WireFormat from(Settings settings) {
    String mode = settings.get(SettingKeys.WIRE_FORMAT, "single-object");
    if (mode.equals("single-object")) {
      return new SingleObjectWireFormat();
    }
    if (mode.equals("registry")) {
      return new RegistryWireFormat(
          new SchemaRegistryClient(settings.get(SettingKeys.SCHEMA_REGISTRY_URL, "")));
    }
    throw new IllegalArgumentException(
        "unknown wire.format '"
            + mode
            + "': use single-object (the default; no server"
            + " needed) or registry (Confluent wire format against schema.registry.url)");
  }

  static Map<String, String> modes() {
    return Map.of(
        "single-object",
        "Avro single-object encoding: C3 01, 8-byte schema fingerprint, body",
        "registry",
        "Confluent wire format: 00, 4-byte schema registry id, body");
  }
}
