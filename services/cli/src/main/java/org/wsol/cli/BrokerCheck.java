package org.wsol.cli;

import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.wsol.common.config.SettingKeys;
import org.wsol.common.config.Settings;
import org.wsol.common.kafka.Topics;

/**
 * Before a client command starts its real work: is there a broker at the address it was given? If
 * not, it says in one line which address it tried, where that address came from, and how to start a
 * broker, instead of a minute of the Kafka client's retries and a stack trace.
 */
final class BrokerCheck {
  /**
   * Long enough for a broker that is starting; well inside the ~10 s a person waits for an answer.
   * A heavily loaded machine may need more: {@code -Dwsol.broker.check.seconds} (what {@link
   * org.wsol.cli.chaos.ServiceProcess} gives the processes it starts on a broker already checked),
   * else WSOL_BROKER_WAIT_S (inherited by child processes).
   */
  static final Duration TIMEOUT =
      Duration.ofSeconds(
          Long.getLong(
              "wsol.broker.check.seconds", waitSeconds(System.getenv("WSOL_BROKER_WAIT_S"))));

  static long waitSeconds(String configured) {
    try {
      return configured == null || configured.isBlank()
          ? 6
          : Math.max(1, Long.parseLong(configured.trim()));
    } catch (NumberFormatException e) {
      return 6;
    }
  }

  private BrokerCheck() {}

  /**
   * @throws IllegalStateException (printed as one line by Main) when no broker answers within
   *     {@link #TIMEOUT}
   */
  static void reachable(Settings s, String source) {
    Properties p = s.kafka();
    int ms = (int) TIMEOUT.toMillis();
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ms);
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms);
    p.put(CommonClientConfigs.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
    p.put(AdminClientConfig.CLIENT_ID_CONFIG, "wsol-broker-check");
    Admin admin = Admin.create(p);
    try {
      admin.describeCluster().nodes().get(ms + 1000L, TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      throw new IllegalStateException(message(s.get(SettingKeys.BOOTSTRAP_SERVERS), source, cause));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while looking for the broker", e);
    } finally {
      admin.close(Duration.ZERO);
    }
  }

  static String message(String address, String source, Throwable cause) {
    boolean refused = !(cause instanceof org.apache.kafka.common.errors.AuthenticationException);
    return "no Kafka broker answered at "
        + address
        + " ("
        + source
        + ") within "
        + TIMEOUT.toSeconds()
        + " s; "
        + (refused
            ? "start one with ./wsol broker (it writes its address to .wsol/bootstrap), or point at yours "
                + "with --bootstrap-servers HOST:PORT"
            : Topics.connectionHint(cause))
        + logNote();
  }

  /** Where the Kafka client's own messages went, when not to the terminal. */
  private static String logNote() {
    String log = System.getProperty("org.slf4j.simpleLogger.logFile", "System.err");
    return log.startsWith("System.") ? "" : " (the client's log: " + log + ")";
  }
}
