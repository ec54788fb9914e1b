package org.wsol.common.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.wsol.common.config.SettingKeys;
import org.wsol.common.config.Settings;

/** Topic names from the settings, and their creation when missing. */
public record Topics(
    String images, String saliency, String boxes, String results, String deadLetter) {

  public static Topics from(Settings s) {
    return new Topics(
        s.get(SettingKeys.TOPIC_IMAGES),
        s.get(SettingKeys.TOPIC_SALIENCY),
        s.get(SettingKeys.TOPIC_BOXES),
        s.get(SettingKeys.TOPIC_RESULTS),
        s.get(SettingKeys.TOPIC_DEAD_LETTER));
  }

  public List<String> all() {
    return List.of(images, saliency, boxes, results, deadLetter);
  }

  /**
   * The largest record the pipeline writes on purpose: an image event of up to {@code
   * image.max.bytes}, or a dead letter carrying one, plus room for the envelope. Producers of
   * images and dead letters allow it, and the topics that hold them are created to accept it (a
   * broker's default is 1 MB).
   */
  public static int maxRecordBytes(Settings s) {
    return (int)
        Math.min(
            Integer.MAX_VALUE,
            Math.max(1_048_576, s.getLong(SettingKeys.IMAGE_MAX_BYTES) + 65_536));
  }

  /** What to check when a Kafka client could not talk to the broker, by what went wrong. */
  public static String connectionHint(Throwable cause) {
    if (cause instanceof SslAuthenticationException) {
      return "the TLS handshake failed: kafka.ssl.truststore.* must trust the broker's certificate, and when the "
          + "broker requires client certificates kafka.ssl.keystore.* must hold one it trusts (README, Security)";
    }
    if (cause instanceof AuthenticationException) {
      return "the broker refused the login: check kafka.sasl.mechanism and the user and password in "
          + "kafka.sasl.jaas.config (README, Security)";
    }
    return "is the broker running? start one with ./wsol broker; if it needs TLS or SASL, set "
        + "kafka.security.protocol and the kafka.ssl.* / kafka.sasl.* settings (README, Security)";
  }

  /**
   * Creates the pipeline's topics that do not exist yet; results is compacted (latest result per
   * image).
   */
  public void ensureExist(Settings s) {
    int partitions = s.getInt(SettingKeys.TOPIC_PARTITIONS);
    String rf = s.get(SettingKeys.TOPIC_REPLICATION_FACTOR, "").trim();
    java.util.Optional<Short> replicas =
        rf.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(Short.parseShort(rf));
    try (Admin admin = Admin.create(s.kafka())) {
      Set<String> existing = admin.listTopics().names().get();
      List<NewTopic> missing = new ArrayList<>();
      for (String t : all()) {
        if (!existing.contains(t)) {
          NewTopic nt = new NewTopic(t, java.util.Optional.of(partitions), replicas);
          if (t.equals(results)) {
            nt.configs(
                Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
          } else if (t.equals(images) || t.equals(deadLetter)) {
            nt.configs(
                Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(maxRecordBytes(s))));
          }
          missing.add(nt);
        }
      }
      if (!missing.isEmpty()) {
        admin.createTopics(missing).all().get();
      }
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new IllegalStateException(
            "cannot create topics on "
                + s.get(SettingKeys.BOOTSTRAP_SERVERS)
                + ": "
                + e.getCause().getMessage()
                + " ("
                + connectionHint(e.getCause())
                + ")",
            e);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    }
  }
}
