package org.wsol.common.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.Test;

/**
 * Secrets in the settings never reach what is printed: redacted(), toString() and error messages.
 */
class SecretMaskingTest {
  static final String SECRET = "s3cr3t-Value-9";

  @Test
  void everyPasswordSettingOfKafkasClientsIsMaskedUnderEveryPrefix() {
    List<ConfigDef> defs =
        List.of(
            ProducerConfig.configDef(), ConsumerConfig.configDef(), AdminClientConfig.configDef());
    int passwords = 0;
    for (ConfigDef def : defs) {
      for (ConfigDef.ConfigKey k : def.configKeys().values()) {
        if (k.type == ConfigDef.Type.PASSWORD) {
          passwords++;
          for (String prefix :
              List.of("kafka.", "kafka.producer.", "kafka.consumer.", "kafka.streams.")) {
            assertTrue(
                Settings.isSecret(prefix + k.name),
                prefix + k.name + " is a Kafka PASSWORD setting");
          }
        }
      }
    }
    assertTrue(
        passwords >= 6,
        "Kafka's clients define their SSL and SASL passwords as PASSWORD: " + passwords);
  }

  @Test
  void secretKeysAreRecognisedAndOrdinaryOnesAreNot() {
    for (String k :
        List.of(
            "kafka.ssl.keystore.password",
            "kafka.ssl.key.password",
            "kafka.ssl.truststore.password",
            "kafka.sasl.jaas.config",
            "kafka.producer.sasl.jaas.config",
            "kafka.ssl.keystore.key",
            "schema.registry.basic.auth.user.info",
            "basic.auth.user.info",
            "registry.password",
            "kafka.sasl.oauthbearer.client.credentials.client.secret",
            "some.api.key",
            "KAFKA.SSL.KEYSTORE.PASSWORD")) {
      assertTrue(Settings.isSecret(k), k);
    }
    for (String k : Defaults.VALUES.keySet()) {
      assertFalse(Settings.isSecret(k), "a default setting is not a secret: " + k);
    }
    for (String k :
        List.of(
            "kafka.ssl.keystore.location",
            "kafka.ssl.truststore.location",
            "kafka.security.protocol",
            "kafka.sasl.mechanism",
            "kafka.ssl.keystore.type",
            "bootstrap.servers",
            "saliency.top.k")) {
      assertFalse(Settings.isSecret(k), k);
    }
  }

  @Test
  void redactedAndToStringHideSecretsAndUrlUserInfoButKeepTheRest() {
    Settings s =
        Settings.of(Defaults.VALUES)
            .with("kafka.ssl.keystore.password", SECRET)
            .with(
                "kafka.sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required "
                    + "username=\"alice\" password=\""
                    + SECRET
                    + "\";")
            .with(
                "schema.registry.url",
                "https://bob:" + SECRET + "@registry.example:8081/apis/ccompat/v7")
            .with("kafka.ssl.keystore.location", "/etc/wsol/client.p12");
    Map<String, String> shown = s.redacted();
    assertEquals(Settings.HIDDEN, shown.get("kafka.ssl.keystore.password"));
    assertEquals(Settings.HIDDEN, shown.get("kafka.sasl.jaas.config"));
    assertEquals(
        "https://[hidden]@registry.example:8081/apis/ccompat/v7", shown.get("schema.registry.url"));
    assertEquals("/etc/wsol/client.p12", shown.get("kafka.ssl.keystore.location"));
    assertEquals(s.asMap().keySet(), shown.keySet(), "nothing is left out, only masked");
    assertFalse(s.toString().contains(SECRET), s.toString());
    assertTrue(s.toString().contains("kafka.ssl.keystore.password=[hidden]"), s.toString());
    // The clients still get the real values.
    assertEquals(SECRET, s.kafka().getProperty("ssl.keystore.password"));
  }

  @Test
  void errorMessagesQuotingAValueHideSecrets() {
    Settings s = Settings.of(Map.of("x.password", SECRET, "x.count", "many"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> s.getInt("x.password"));
    assertFalse(e.getMessage().contains(SECRET), e.getMessage());
    assertTrue(e.getMessage().contains(Settings.HIDDEN), e.getMessage());
    assertFalse(
        assertThrows(IllegalArgumentException.class, () -> s.getBoolean("x.password"))
            .getMessage()
            .contains(SECRET));
    assertFalse(
        assertThrows(IllegalArgumentException.class, () -> s.getDouble("x.password"))
            .getMessage()
            .contains(SECRET));
    assertFalse(
        assertThrows(IllegalArgumentException.class, () -> s.getLong("x.password"))
            .getMessage()
            .contains(SECRET));
    // Ordinary values are still quoted, so the user sees what was wrong.
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> s.getInt("x.count"))
            .getMessage()
            .contains("'many'"));
  }
}
