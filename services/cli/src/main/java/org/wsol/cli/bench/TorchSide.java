package org.wsol.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/** The Python process running bench_torch.py (shipped in this jar), spoken to in JSON lines. */
final class TorchSide implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One pass: a float32 input file of images x crops x 3 x S x S. */
  record Pass(Path input, int images, int crops) {}

  private final Process process;
  private final PrintWriter in;
  private final BufferedReader out;
  String error;
  String version;
  int threads;
  int interop;

  private TorchSide(Process process) {
    this.process = process;
    this.in = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
    this.out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
  }

  static TorchSide start(String python, Path model, int threads, int interop) throws IOException {
    Path script = Files.createTempFile("bench_torch", ".py");
    try (InputStream s = TorchSide.class.getResourceAsStream("bench_torch.py")) {
      Files.copy(s, script, StandardCopyOption.REPLACE_EXISTING);
    }
    script.toFile().deleteOnExit();
    Process p;
    try {
      p =
          new ProcessBuilder(
                  python,
                  script.toString(),
                  model.toString(),
                  Integer.toString(threads),
                  Integer.toString(interop))
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
    } catch (IOException e) {
      TorchSide none = new TorchSide(new ProcessBuilder("true").start());
      none.error = "cannot run " + python + " (" + e.getMessage() + ")";
      return none;
    }
    TorchSide t = new TorchSide(p);
    JsonNode hello = t.readLine();
    if (hello == null || hello.has("error")) {
      t.error = hello == null ? python + " exited without an answer" : hello.get("error").asText();
    } else {
      t.version = hello.get("torch").asText();
      t.threads = hello.get("threads").asInt();
      t.interop = hello.get("interop").asInt();
    }
    return t;
  }

  /**
   * Seconds per repeat for all passes together; saveGrad: where the first rank's output goes (or
   * null).
   */
  double[] run(List<Pass> passes, String method, int topK, int repeats, Path saveGrad) {
    ObjectNode req = JSON.createObjectNode();
    var list = req.putArray("passes");
    for (Pass p : passes) {
      list.addObject()
          .put("input", p.input().toString())
          .put("images", p.images())
          .put("crops", p.crops());
    }
    req.put("method", method).put("top_k", topK).put("repeats", repeats);
    req.put("save_grad", saveGrad == null ? null : saveGrad.toString());
    in.println(req.toString());
    JsonNode ans = readLine();
    if (ans == null || !ans.has("times")) {
      throw new IllegalStateException(
          "the PyTorch side stopped (see its error above); rerun with --no-torch");
    }
    double[] t = new double[ans.get("times").size()];
    for (int i = 0; i < t.length; i++) {
      t[i] = ans.get("times").get(i).asDouble();
    }
    return t;
  }

  private JsonNode readLine() {
    try {
      String line = out.readLine();
      return line == null ? null : JSON.readTree(line);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    in.close();
    try {
      if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroy();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroy();
    }
  }
}
