package org.wsol.common.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {
  @Test
  void flagsBeatEnvironmentBeatFileBeatDefaults(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("w.properties");
    Files.writeString(
        file, "topic.images=from-file\ntopic.boxes=from-file\ntopic.saliency=from-file\n");
    Settings s =
        Settings.load(
            file,
            Map.of("WSOL_TOPIC_BOXES", "from-env", "WSOL_TOPIC_SALIENCY", "from-env"),
            Map.of("topic.saliency", "from-flag"));
    assertEquals("from-file", s.get("topic.images"));
    assertEquals("from-env", s.get("topic.boxes"));
    assertEquals("from-flag", s.get("topic.saliency"));
    assertEquals("results", s.get("topic.results"));
  }

  @Test
  void kafkaPropertiesPassThroughByRole() {
    Settings s =
        Settings.load(
            null,
            Map.of("WSOL_KAFKA_SECURITY_PROTOCOL", "SASL_SSL"),
            Map.of(
                "bootstrap.servers",
                "h:1",
                "kafka.sasl.mechanism",
                "PLAIN",
                "kafka.producer.acks",
                "all",
                "kafka.consumer.fetch.min.bytes",
                "1024"));
    Properties p = s.producer();
    Properties c = s.consumer();
    assertEquals("h:1", p.get("bootstrap.servers"));
    assertEquals("SASL_SSL", p.get("security.protocol"));
    assertEquals("SASL_SSL", c.get("security.protocol"));
    assertEquals("PLAIN", c.get("sasl.mechanism"));
    assertEquals("all", p.get("acks"));
    assertFalse(c.containsKey("acks"));
    assertEquals("1024", c.get("fetch.min.bytes"));
    assertFalse(p.containsKey("fetch.min.bytes"));
    assertFalse(p.containsKey("producer.acks"));
  }

  @Test
  void badNumbersSayWhichSetting() {
    Settings s = Settings.of(Map.of("topic.partitions", "six"));
    var e = assertThrows(IllegalArgumentException.class, () -> s.getInt("topic.partitions"));
    assertTrue(e.getMessage().contains("topic.partitions"));
  }

  @Test
  void missingConfigFileSaysWhatToDo(@TempDir Path dir) {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Settings.load(dir.resolve("nope.properties"), Map.of(), Map.of()));
    assertTrue(e.getMessage().contains("not found"));
  }
}
