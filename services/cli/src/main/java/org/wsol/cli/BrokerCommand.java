package org.wsol.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.wsol.broker.BrokerCluster;
import org.wsol.broker.EmbeddedBroker;
import org.wsol.common.config.SettingKeys;
import org.wsol.common.config.Settings;
import org.wsol.common.kafka.Topics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "broker",
    mixinStandardHelpOptions = true,
    description = {
      "Runs a single-node Kafka broker (KRaft) on a free loopback port until Ctrl-C, and creates the topics.",
      "With --brokers 3: a replicated cluster of three broker+controller processes (replication factor 3,",
      "min.insync.replicas 2), whose nodes can be killed and restarted like machines.",
      "Its address goes to .wsol/bootstrap, where the other commands in this folder find it."
    })
class BrokerCommand implements Callable<Integer> {
  @Mixin SettingsOptions config;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description =
          "keep the broker's data here across restarts (default: a temporary directory deleted on exit)")
  Path dataDir;

  @Option(
      names = "--brokers",
      defaultValue = "1",
      paramLabel = "N",
      description =
          "brokers: 1 (default) in this process; more start a replicated cluster of N processes (temporary data)")
  int brokers;

  @Override
  public Integer call() throws Exception {
    if (brokers < 1 || (brokers > 1 && dataDir != null)) {
      throw new IllegalArgumentException(
          "--brokers must be at least 1, and --data-dir goes with a single broker only");
    }
    AutoCloseable broker;
    String bootstrap;
    if (brokers > 1) {
      BrokerCluster cluster = BrokerCluster.start(brokers);
      broker = cluster;
      bootstrap = cluster.bootstrapServers();
    } else {
      EmbeddedBroker single =
          dataDir == null ? EmbeddedBroker.start() : EmbeddedBroker.startOn(dataDir);
      broker = single;
      bootstrap = single.bootstrapServers();
    }
    Settings s = config.settings().with(SettingKeys.BOOTSTRAP_SERVERS, bootstrap);
    Topics.from(s).ensureExist(s);
    Files.createDirectories(ConfigOptions.BOOTSTRAP_FILE.getParent());
    Files.writeString(ConfigOptions.BOOTSTRAP_FILE, bootstrap + "\n");
    CountDownLatch done = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    broker.close();
                  } catch (Exception e) {
                    System.err.println("broker close: " + e);
                  }
                  try {
                    Files.deleteIfExists(ConfigOptions.BOOTSTRAP_FILE);
                  } catch (Exception ignored) {
                    // best effort
                  }
                  done.countDown();
                }));
    System.out.println(
        (brokers > 1 ? "Kafka cluster of " + brokers + " brokers ready" : "Kafka broker ready")
            + ": bootstrap.servers="
            + bootstrap);
    System.out.println("Topics: " + String.join(", ", Topics.from(s).all()));
    System.out.println("Written to " + ConfigOptions.BOOTSTRAP_FILE + "; stop with Ctrl-C.");
    done.await();
    return 0;
  }
}
