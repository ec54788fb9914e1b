package org.wsol.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.wsol.common.broker.EmbeddedBroker;
import org.wsol.common.config.Settings;
import org.wsol.common.kafka.Topics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "broker", mixinStandardHelpOptions = true,
    description = {"Runs a single-node Kafka broker (KRaft) on a free loopback port until Ctrl-C, and creates the topics.",
        "Its address goes to .wsol/bootstrap, where the other commands in this folder find it."})
class BrokerCommand implements Callable<Integer> {
  @Mixin SettingsOptions config;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "keep the broker's data here across restarts (default: a temporary directory deleted on exit)")
  Path dataDir;

  @Override
  public Integer call() throws Exception {
    EmbeddedBroker broker = dataDir == null ? EmbeddedBroker.start() : EmbeddedBroker.startOn(dataDir);
    Settings s = config.settings().with("bootstrap.servers", broker.bootstrapServers());
    Topics.from(s).ensureExist(s);
    Files.createDirectories(ConfigOptions.BOOTSTRAP_FILE.getParent());
    Files.writeString(ConfigOptions.BOOTSTRAP_FILE, broker.bootstrapServers() + "\n");
    CountDownLatch done = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      broker.close();
      try {
        Files.deleteIfExists(ConfigOptions.BOOTSTRAP_FILE);
      } catch (Exception ignored) {
        // best effort
      }
      done.countDown();
    }));
    System.out.println("Kafka broker ready: bootstrap.servers=" + broker.bootstrapServers());
    System.out.println("Topics: " + String.join(", ", Topics.from(s).all()));
    System.out.println("Written to " + ConfigOptions.BOOTSTRAP_FILE + "; stop with Ctrl-C.");
    done.await();
    return 0;
  }
}
