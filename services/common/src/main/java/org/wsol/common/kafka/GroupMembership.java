package org.wsol.common.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.GroupProtocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wsol.common.config.SettingKeys;
import org.wsol.common.config.Settings;

/**
 * How a stage's consumer takes part in its group: the rebalance protocol ({@code
 * stage.group.protocol}: Kafka 4's consumer protocol of KIP-848, or the classic one) and static
 * membership ({@code <stage>.instance.id}, e.g. the Kubernetes pod name, so that a member restarted
 * within the session timeout gets its partitions back without a rebalance).
 */
public final class GroupMembership {
  private static final Logger log = LoggerFactory.getLogger(GroupMembership.class);

  public static final String PROTOCOL_KEY = SettingKeys.STAGE_GROUP_PROTOCOL;
  public static final String LEAVE_ON_CLOSE_KEY = SettingKeys.STAGE_INSTANCE_LEAVE_ON_CLOSE;

  /**
   * Client settings that the consumer protocol refuses (the broker owns them there: {@code
   * group.consumer.session.timeout.ms}, {@code group.consumer.heartbeat.interval.ms}, its
   * assignors).
   */
  static final List<String> CLASSIC_ONLY =
      List.of(
          ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG,
          ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG,
          ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG);

  private GroupMembership() {}

  /** {@code <stage>.instance.id}, trimmed; empty = dynamic membership. */
  public static String instanceId(Settings settings, String stage) {
    return settings.get(stage + ".instance.id", "").trim();
  }

  /**
   * Sets {@code group.protocol} (unless {@code kafka.consumer.group.protocol} already did) and
   * {@code group.instance.id} on a stage's consumer properties, dropping the classic-only settings
   * under the consumer protocol.
   */
  public static void apply(Properties consumer, Settings settings, String stage) {
    String chosen = settings.get(PROTOCOL_KEY, GroupProtocol.CLASSIC.name()).trim();
    consumer.putIfAbsent(ConsumerConfig.GROUP_PROTOCOL_CONFIG, chosen);
    GroupProtocol protocol = protocol(consumer.get(ConsumerConfig.GROUP_PROTOCOL_CONFIG));
    consumer.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, protocol.name().toLowerCase(Locale.ROOT));
    if (protocol == GroupProtocol.CONSUMER) {
      for (String key : CLASSIC_ONLY) {
        if (consumer.remove(key) != null) {
          log.debug(
              "{}: {} is the broker's under group.protocol=consumer (group.consumer.*)",
              stage,
              key);
        }
      }
    }
    String instance = instanceId(settings, stage);
    if (!instance.isEmpty()) {
      consumer.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instance);
    }
  }

  /**
   * How a stage's consumer closes: a static member leaves the group at once when {@code
   * stage.instance.leave.on.close} is true (a Deployment's pod, whose name does not come back: its
   * partitions move now, not after the session timeout); otherwise Kafka's default (a static member
   * stays, a dynamic one leaves). A crash never leaves: the member is kept for the session timeout,
   * and a container restarted in the same pod takes its partitions back.
   */
  public static CloseOptions closeOptions(Settings settings, String stage, Duration timeout) {
    boolean leave =
        !instanceId(settings, stage).isEmpty()
            && Boolean.parseBoolean(settings.get(LEAVE_ON_CLOSE_KEY, "true").trim());
    return CloseOptions.groupMembershipOperation(
            leave
                ? CloseOptions.GroupMembershipOperation.LEAVE_GROUP
                : CloseOptions.GroupMembershipOperation.DEFAULT)
        .withTimeout(timeout);
  }

  /** "group g (consumer protocol, static member m)", for the logs. */
  public static String describe(Properties consumer) {
    Object instance = consumer.get(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
    return "group "
        + consumer.get(ConsumerConfig.GROUP_ID_CONFIG)
        + " ("
        + consumer.get(ConsumerConfig.GROUP_PROTOCOL_CONFIG)
        + " protocol"
        + (instance == null ? "" : ", static member " + instance)
        + ")";
  }

  static GroupProtocol protocol(Object value) {
    String v = String.valueOf(value).trim();
    for (GroupProtocol p : GroupProtocol.values()) {
      if (p.name().equalsIgnoreCase(v)) {
        return p;
      }
    }
    throw new IllegalArgumentException(
        PROTOCOL_KEY + " is '" + v + "': use consumer (KIP-848) or classic");
  }
}
