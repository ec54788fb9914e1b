package org.wsol.saliency.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * src/main/native/mkl_intel_path.c changes which MKL kernels run, never what they compute: the
 * bundled model's logits on one thread (where the 1x1 convolutions go through MKL's sgemm) are the
 * same, to float rounding, with and without the library preloaded, and the preloaded run really had
 * it mapped. Each side runs in its own JVM, as LD_PRELOAD must be set before a process starts.
 */
class MklIntelPathTest {
  static final Path LIBRARY = Path.of("target/native/libwsol-mkl-intel-path.so");

  @Test
  void preloadingKeepsTheLogits() throws Exception {
    // The build makes the library wherever a C compiler is installed (the mkl-intel-path profile).
    boolean cc = Files.exists(Path.of("/usr/bin/cc"));
    if (System.getenv("CI") != null) {
      assertTrue(cc, "CI needs a C compiler for this test: apt-get install gcc (.ci/run does)");
    }
    assumeTrue(cc, "no C compiler: the library is not built");
    assertTrue(Files.exists(LIBRARY), LIBRARY + " was not built although /usr/bin/cc exists");
    Probe plain = run(null);
    Probe preloaded = run(LIBRARY.toAbsolutePath().toString());
    assertTrue(!plain.mapped(), "the plain run must not have the library");
    assertTrue(preloaded.mapped(), "LD_PRELOAD did not map the library");
    assertEquals(plain.logits().length, preloaded.logits().length);
    float scale = 0;
    for (float v : plain.logits()) {
      scale = Math.max(scale, Math.abs(v));
    }
    assertArrayEquals(plain.logits(), preloaded.logits(), 1e-4f * scale);
  }

  record Probe(boolean mapped, float[] logits) {}

  private static Probe run(String preload) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of("-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=1"));
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(false);
    pb.environment().remove("LD_PRELOAD");
    if (preload != null) {
      pb.environment().put("LD_PRELOAD", preload);
    }
    pb.redirectError(ProcessBuilder.Redirect.DISCARD);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "probe JVM did not finish");
    assertEquals(0, p.exitValue(), "probe JVM failed: " + out);
    String[] lines = out.split("\n");
    String last = lines[lines.length - 1];
    String[] parts = last.split(" ");
    float[] logits = new float[parts.length - 1];
    for (int i = 1; i < parts.length; i++) {
      logits[i - 1] = Float.parseFloat(parts[i]);
    }
    return new Probe(parts[0].equals("mapped"), logits);
  }

  /** The child: one pass of the bundled model on a fixed input, then its logits on one line. */
  public static final class Main {
    public static void main(String[] args) throws Exception {
      boolean mapped =
          Files.readString(Path.of("/proc/self/maps")).contains("libwsol-mkl-intel-path");
      try (SaliencyModel model = SaliencyModel.load(ModelSpec.bundledDefault())) {
        int size = model.spec().inputSize();
        float[] input = new float[3 * size * size];
        Random r = new Random(3);
        for (int i = 0; i < input.length; i++) {
          input[i] = (float) r.nextGaussian();
        }
        float[] logits = model.logits(input, 1);
        StringBuilder line = new StringBuilder(mapped ? "mapped" : "plain");
        for (float v : Arrays.copyOf(logits, logits.length)) {
          line.append(' ').append(v);
        }
        System.out.println(line);
      }
    }
  }
}
