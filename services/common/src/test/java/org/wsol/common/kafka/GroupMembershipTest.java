package org.wsol.common.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.CloseOptions.GroupMembershipOperation;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.wsol.common.config.Settings;

class GroupMembershipTest {
  static Properties consumer(Settings s, String stage) {
    Properties c = s.consumer();
    GroupMembership.apply(c, s, stage);
    return c;
  }

  static Settings settings(Map<String, String> flags) {
    return Settings.load(null, Map.of(), flags);
  }

  @Test
  void theConsumerProtocolDropsTheSettingsThatTheBrokerOwnsThere() {
    Properties c =
        consumer(
            settings(
                Map.of(
                    "stage.group.protocol",
                    "consumer",
                    "kafka.consumer.partition.assignment.strategy",
                    "org.apache.kafka.clients.consumer.RangeAssignor")),
            "segmenter");
    assertEquals("consumer", c.get(ConsumerConfig.GROUP_PROTOCOL_CONFIG));
    for (String key : GroupMembership.CLASSIC_ONLY) {
      assertFalse(c.containsKey(key), key);
    }
    // The client accepts what is left, and refuses a classic-only setting under this protocol.
    new ConsumerConfig(withDeserializers(c));
    Properties withTimeout = withDeserializers(c);
    withTimeout.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000");
    assertThrows(ConfigException.class, () -> new ConsumerConfig(withTimeout));
  }

  @Test
  void theClassicProtocolKeepsTheClientTimeouts() {
    Properties c = consumer(settings(Map.of("stage.group.protocol", "classic")), "segmenter");
    assertEquals("classic", c.get(ConsumerConfig.GROUP_PROTOCOL_CONFIG));
    assertEquals("10000", c.get(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG));
    assertEquals("3000", c.get(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG));
  }

  @Test
  void aKafkaConsumerGroupProtocolSettingWins() {
    Properties c =
        consumer(
            settings(
                Map.of(
                    "stage.group.protocol",
                    "consumer",
                    "kafka.consumer.group.protocol",
                    "CLASSIC")),
            "saliency");
    assertEquals("classic", c.get(ConsumerConfig.GROUP_PROTOCOL_CONFIG));
  }

  @Test
  void anUnknownProtocolIsRefusedByName() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> consumer(settings(Map.of("stage.group.protocol", "eager")), "segmenter"));
    assertTrue(e.getMessage().contains("stage.group.protocol is 'eager'"), e.getMessage());
  }

  @Test
  void theInstanceIdIsTheStagesOwn() {
    Settings s = settings(Map.of("segmenter.instance.id", " segmenter-7d9f-x2 "));
    assertEquals("segmenter-7d9f-x2", consumer(s, "segmenter").get("group.instance.id"));
    assertNull(consumer(s, "saliency").get("group.instance.id"), "dynamic unless set");
  }

  @Test
  void onlyAStaticMemberIsToldToLeaveOnClose() {
    Settings staticMember = settings(Map.of("segmenter.instance.id", "pod-1"));
    assertEquals(
        GroupMembershipOperation.LEAVE_GROUP,
        GroupMembership.closeOptions(staticMember, "segmenter", Duration.ofSeconds(5))
            .groupMembershipOperation());
    assertEquals(
        GroupMembershipOperation.DEFAULT,
        GroupMembership.closeOptions(
                staticMember.with("stage.instance.leave.on.close", "false"),
                "segmenter",
                Duration.ofSeconds(5))
            .groupMembershipOperation());
    assertEquals(
        GroupMembershipOperation.DEFAULT,
        GroupMembership.closeOptions(settings(Map.of()), "segmenter", Duration.ofSeconds(5))
            .groupMembershipOperation());
  }

  private static Properties withDeserializers(Properties c) {
    Properties p = new Properties();
    p.putAll(c);
    p.put(
        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
        "org.apache.kafka.common.serialization.ByteArrayDeserializer");
    p.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
        "org.apache.kafka.common.serialization.ByteArrayDeserializer");
    return p;
  }
}
