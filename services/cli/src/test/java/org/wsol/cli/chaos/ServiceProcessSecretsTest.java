package org.wsol.cli.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.wsol.common.config.Settings;

/**
 * Child processes (chaos, bench pipeline, fault tests) get secrets through their environment, not
 * their command line.
 */
class ServiceProcessSecretsTest {
  @Test
  void secretSetsMoveToTheEnvironmentAndComeBackAsTheSameSettings() {
    List<String> args =
        List.of(
            "segmenter",
            "-b",
            "localhost:1",
            "--set",
            "kafka.ssl.keystore.password=p4ss=w0rd",
            "--set",
            "kafka.security.protocol=SSL",
            "-s",
            "kafka.sasl.jaas.config=x required password=\"y\";",
            "--set",
            "topic.partitions=2");
    Map<String, String> env = new LinkedHashMap<>();
    List<String> left = ServiceProcess.secretsToEnvironment(args, env);

    assertEquals(
        List.of(
            "segmenter",
            "-b",
            "localhost:1",
            "--set",
            "kafka.security.protocol=SSL",
            "--set",
            "topic.partitions=2"),
        left);
    assertFalse(String.join(" ", left).contains("p4ss"));
    Settings child = Settings.load(null, env, Map.of());
    assertEquals("p4ss=w0rd", child.get("kafka.ssl.keystore.password"));
    assertEquals("x required password=\"y\";", child.get("kafka.sasl.jaas.config"));
  }
}
