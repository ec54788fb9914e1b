package org.wsol.cli.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.wsol.cli.Main;
import org.wsol.cli.SettingsOptions;
import org.wsol.common.config.Settings;

/**
 * A wsol command in a JVM of its own, on this JVM's class path, its output in a log file. The chaos
 * command and the fault tests start services this way so that they can kill one (SIGKILL) like a
 * crashed machine.
 */
public final class ServiceProcess implements AutoCloseable {
  /**
   * Children still running when this JVM exits (Ctrl-C, a failed test) are killed with it, never
   * orphaned.
   */
  private static final java.util.Set<Process> LIVE =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly), "kill-children"));
  }

  private final String name;
  private final Process process;
  private final Path log;

  private ServiceProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /**
   * Command-line arguments for a service process: the broker, this command's --config and --set
   * values, on top of {@code defaults} (free ports, single-crop saliency, ... as the caller needs).
   */
  public static List<String> serviceArgs(
      String bootstrap, SettingsOptions config, java.util.Map<String, String> defaults) {
    java.util.Map<String, String> sets = new java.util.LinkedHashMap<>(defaults);
    sets.putAll(config.sets);
    List<String> args = new java.util.ArrayList<>(List.of("-b", bootstrap));
    if (config.config != null) {
      args.addAll(List.of("--config", config.config.toString()));
    }
    sets.forEach((k, v) -> args.addAll(List.of("--set", k + "=" + v)));
    return args;
  }

  /** Starts {@code wsol <args>} with the given JVM options (e.g. -Xmx256m). */
  public static ServiceProcess start(
      String name, List<String> jvmOptions, List<String> args, Path log) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    if (jvmOptions.stream().noneMatch(o -> o.startsWith("-XX:+Use") && o.endsWith("GC"))) {
      cmd.add("-XX:+UseParallelGC"); // as ./wsol and the images run the services
    }
    cmd.addAll(jvmOptions);
    cmd.add("-Dai.djl.offline=true");
    if (jvmOptions.stream().noneMatch(o -> o.startsWith("-Dwsol.broker.check.seconds="))) {
      cmd.add("-Dwsol.broker.check.seconds=60"); // the broker was up when this parent started it
    }
    cmd.add("-Dorg.apache.avro.SERIALIZABLE_PACKAGES=org.wsol.schema");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(Main.class.getName());
    java.util.Map<String, String> env = new java.util.LinkedHashMap<>();
    cmd.addAll(secretsToEnvironment(args, env));
    try {
      Files.createDirectories(log.toAbsolutePath().getParent());
      ProcessBuilder pb =
          new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
      pb.environment().putAll(env);
      Process p = pb.start();
      LIVE.add(p);
      p.onExit().thenRun(() -> LIVE.remove(p));
      return new ServiceProcess(name, p, log);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name + ": " + e.getMessage(), e);
    }
  }

  /**
   * {@code args} without the {@code --set KEY=VALUE} pairs whose key is a secret ({@link
   * Settings#isSecret}); those go to {@code env} as {@code WSOL_KEY} instead, which the child reads
   * the same way, so that no password shows in a process listing. (The environment ranks below a
   * --config file: a secret set both ways takes the file's value.)
   */
  static List<String> secretsToEnvironment(List<String> args, java.util.Map<String, String> env) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      int eq = i + 1 < args.size() ? args.get(i + 1).indexOf('=') : -1;
      if ((a.equals("--set") || a.equals("-s")) && eq > 0) {
        String key = args.get(i + 1).substring(0, eq);
        String var = "WSOL_" + key.toUpperCase(java.util.Locale.ROOT).replace('.', '_');
        // Only keys that the environment gives back unchanged (lower case, no '_') can travel
        // there.
        if (Settings.isSecret(key)
            && key.equals(key.toLowerCase(java.util.Locale.ROOT))
            && !key.contains("_")) {
          env.put(var, args.get(i + 1).substring(eq + 1));
          i++;
          continue;
        }
      }
      out.add(a);
    }
    return out;
  }

  public String name() {
    return name;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public Path log() {
    return log;
  }

  /**
   * Waits for a line of output containing {@code text}; fails early, with the log's tail, if the
   * process ends.
   */
  public ServiceProcess awaitOutput(String text, Duration timeout)
      throws TimeoutException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!output().contains(text)) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            name
                + " exited with status "
                + process.exitValue()
                + " before '"
                + text
                + "':\n"
                + tail());
      }
      if (System.nanoTime() > deadline) {
        throw new TimeoutException(
            name + " did not print '" + text + "' within " + timeout + ":\n" + tail());
      }
      Thread.sleep(100);
    }
    return this;
  }

  public String output() {
    try {
      return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "";
    }
  }

  public String tail() {
    String out = output();
    return out.length() <= 4000 ? out : out.substring(out.length() - 4000);
  }

  /**
   * Waits for the process to end: its exit status, or -1 when it is still running after {@code
   * timeout}.
   */
  public int waitFor(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
  }

  /** SIGTERM and nothing more: what Ctrl-C or a supervisor's stop does. */
  public void terminate() {
    process.destroy();
  }

  /** SIGKILL: no shutdown hook, no commit, no goodbye to the group, as when a machine dies. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGTERM, the clean stop (offsets committed); SIGKILL if it takes more than 20 s. */
  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        kill();
      }
    }
  }
}
