package org.wsol.cli.bench;

import org.wsol.cli.SettingsOptions;

import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.wsol.common.config.Settings;
import org.wsol.saliency.model.SaliencyModel;
import org.wsol.saliency.model.SaliencyModel.Mode;
import org.wsol.saliency.model.SaliencyModel.Prepared;
import org.wsol.saliency.model.SaliencyModel.TensorSaliency;
import org.wsol.saliency.service.SaliencyService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Saliency throughput through DJL against the same work in PyTorch itself (Debian's python3-torch), in one
 * run: same TorchScript file, same inputs (written to files and read by the Python side), same passes, same
 * intra-op thread count. The two sides alternate pass by pass, so that load from other processes on a
 * shared machine falls on both; a configuration's time is the sum over its passes of each pass's best.
 */
@Command(name = "saliency", mixinStandardHelpOptions = true,
    description = {"Measures the speed of saliency maps here against the same work in PyTorch.",
        "Images/s of saliency maps (forward + backward) for single-crop and 10-crop at several batch sizes,",
        "and the time of the same work in PyTorch (/usr/bin/python3 with torch) as a ratio. Last line:",
        "'saliency djl/pytorch time ratio: <r> on <device>'."})
public class SaliencyBench implements Callable<Integer> {
  @Mixin SettingsOptions config;

  @Option(names = "--photos", paramLabel = "DIR", description = "photos to run on, cycled to fill a batch (default: samples/photos)")
  Path photos;

  @Option(names = "--batches", split = ",", defaultValue = "1,8,32", description = "images per batch (default ${DEFAULT-VALUE})")
  int[] batches;

  @Option(names = "--modes", split = ",", defaultValue = "SINGLE_CROP,TEN_CROP", description = "SINGLE_CROP and/or TEN_CROP (default ${DEFAULT-VALUE})")
  Mode[] modes;

  @Option(names = "--top-k", defaultValue = "1", description = "classes per image, one backward pass each (default ${DEFAULT-VALUE}; the service's default is 5)")
  int topK;

  @Option(names = "--repeats", defaultValue = "3", description = "timed repeats of each pass on each side; the best counts (default ${DEFAULT-VALUE})")
  int repeats;

  @Option(names = "--threads", description = "intra-op threads on both sides (default: the cores this JVM sees)")
  Integer threads;

  @Option(names = "--max-crops-per-pass", description = "crops per forward/backward pass; images are not split (default: the setting saliency.max.crops.per.pass, 32)")
  Integer maxCropsPerPass;

  @Option(names = "--python", defaultValue = "/usr/bin/python3", description = "a Python with torch (default ${DEFAULT-VALUE})")
  String python;

  @Option(names = "--no-torch", description = "DJL figures only")
  boolean noTorch;

  private static final ObjectMapper JSON = new ObjectMapper();

  private record Result(Mode mode, int batch, int passes, double djl, double djlEndToEnd, double torch) {}

  @Override
  public Integer call() throws Exception {
    int n = threads != null ? threads : Runtime.getRuntime().availableProcessors();
    // Read once when the engine starts, which happens in load() below.
    System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(n));
    List<Photo> photoList = readPhotos(photos != null ? photos
        : Path.of(System.getProperty("wsol.home", "."), "samples", "photos"));
    Path tmp = Files.createTempDirectory("wsol-bench-");
    Settings settings = config.settings();
    if (maxCropsPerPass == null) {
      maxCropsPerPass = settings.getInt("saliency.max.crops.per.pass");
    }
    try (SaliencyModel model = SaliencyModel.load(SaliencyService.modelSpec(settings.get("saliency.model")))
        .maxCropsPerPass(maxCropsPerPass);
         TorchSide torch = noTorch ? null : TorchSide.start(python, modelFile(model, tmp), n, JniUtils.getNumInteropThreads())) {
      String device = model.device().isGpu() ? "gpu" + model.device().getDeviceId() : "cpu";
      System.out.printf(Locale.ROOT, "model %s on %s; DJL: PyTorch %s, %d intra-op / %d inter-op threads; %d photos from %s%n",
          model.spec().modelId(), device, ai.djl.engine.Engine.getEngine("PyTorch").getVersion(),
          JniUtils.getNumThreads(), JniUtils.getNumInteropThreads(), photoList.size(),
          photos != null ? photos : "samples/photos");
      if (torch != null && torch.error != null) {
        System.out.println("PyTorch: not measured: " + torch.error + " -- DJL figures only");
      } else if (torch != null) {
        System.out.printf(Locale.ROOT, "PyTorch: torch %s via %s, %d intra-op / %d inter-op threads%n",
            torch.version, python, torch.threads, torch.interop);
        if (!device.equals("cpu")) {
          System.out.println("PyTorch side runs on the CPU (Debian's torch has no CUDA): the ratio is GPU DJL vs CPU PyTorch");
        }
        check(model, torch, photoList, tmp);
      }
      System.out.printf(Locale.ROOT, "top-k %d (one backward pass per rank), at most %d crops per pass, best of %d per pass%n",
          topK, maxCropsPerPass, repeats);
      List<Result> results = new ArrayList<>();
      for (Mode mode : modes) {
        for (int batch : batches) {
          results.add(measure(model, torch != null && torch.error == null ? torch : null, cycle(photoList.stream().map(Photo::image).toList(), batch), mode, tmp));
          Result r = results.get(results.size() - 1);
          System.out.printf(Locale.ROOT, "  %-11s batch %2d: DJL %.3f s%s%n", mode, batch, r.djl,
              r.torch > 0 ? String.format(Locale.ROOT, ", PyTorch %.3f s", r.torch) : "");
        }
      }
      report(results, device);
    } finally {
      try (Stream<Path> files = Files.list(tmp)) {
        files.forEach(p -> p.toFile().delete());
      }
      Files.deleteIfExists(tmp);
    }
    return 0;
  }

  /**
   * DJL's input gradients against PyTorch autograd on the same inputs (single crop, top-1), photo by photo:
   * one image would do; all of them show how much ReLU6 kinks make two libtorch builds differ.
   */
  private void check(SaliencyModel model, TorchSide torch, List<Photo> photos, Path tmp) throws IOException {
    int size = model.spec().inputSize();
    List<String> lines = new ArrayList<>();
    double worst = 0;
    String worstName = "";
    int within = 0;
    for (Photo photo : photos) {
      Prepared p = model.prepare(List.of(photo.image()), Mode.SINGLE_CROP);
      TensorSaliency t = model.saliency(p, 1);
      // A file name per photo: the Python side caches inputs by path.
      Path in = write(p.input(), tmp.resolve("check-" + lines.size() + ".f32"));
      Path out = tmp.resolve("check-grad-" + lines.size() + ".f32");
      torch.run(List.of(new Pass(in, 1, 1)), 1, 1, out);
      float[] ref = read(out);
      float[] map = t.map(0, 0);
      float[] refMap = org.wsol.saliency.model.MapAssembly.maxAbsOverChannels(ref, 0, size);
      double maxRel = maxRelError(map, refMap);
      if (maxRel > worst) {
        worst = maxRel;
        worstName = photo.name();
      }
      within += maxRel <= 1e-4 ? 1 : 0;
      lines.add(String.format(Locale.ROOT, "  %-28s class %3d: map max rel. error %.1e, ||a-b||/||b|| %.1e (gradient %.1e)",
          photo.name(), t.classes()[0][0], maxRel, normRelError(map, refMap), normRelError(t.gradient(0, 0), ref)));
    }
    System.out.printf(Locale.ROOT, "check: bundled model, DJL saliency maps vs PyTorch autograd on the same inputs "
        + "(single crop, top-1), max relative error max |a-b| / max |b|: within 1e-4 on %d of %d photos, worst %.1e (%s)%n",
        within, photos.size(), worst, worstName);
    lines.forEach(System.out::println);
  }

  private record Pass(Path input, int images, int crops) {}

  private record Photo(String name, BufferedImage image) {}

  private Result measure(SaliencyModel model, TorchSide torch, List<BufferedImage> images, Mode mode, Path tmp)
      throws IOException {
    List<List<BufferedImage>> passes = model.passes(images, mode);
    List<Pass> files = new ArrayList<>();
    if (torch != null) {
      for (int i = 0; i < passes.size(); i++) {
        Prepared p = model.prepare(passes.get(i), mode);
        files.add(new Pass(write(p.input(), tmp.resolve(mode + "-" + images.size() + "-" + i + ".f32")), p.images(),
            p.cropsPerImage()));
      }
    }
    // Warm-up: TorchScript's profiling executor optimises per input shape in its first runs, on both sides.
    List<List<BufferedImage>> shapes = new ArrayList<>();
    List<Pass> shapeFiles = new ArrayList<>();
    for (int i = 0; i < passes.size(); i++) {
      int size = passes.get(i).size();
      if (shapes.stream().noneMatch(s -> s.size() == size)) {
        shapes.add(passes.get(i));
        if (torch != null) {
          shapeFiles.add(files.get(i));
        }
      }
    }
    for (int w = 0; w < 2; w++) {
      for (List<BufferedImage> s : shapes) {
        model.saliency(model.prepare(s, mode), topK);
      }
    }
    if (torch != null) {
      torch.run(shapeFiles, topK, 2, null);
    }
    // Pass by pass, DJL then PyTorch, best of the repeats per pass: on a shared machine the load from others
    // changes within seconds, and short alternating runs expose both sides to the same load.
    int np = passes.size();
    double[] best = new double[np];
    double[] bestEndToEnd = new double[np];
    double[] bestTorch = new double[np];
    Arrays.fill(best, Double.MAX_VALUE);
    Arrays.fill(bestEndToEnd, Double.MAX_VALUE);
    Arrays.fill(bestTorch, Double.MAX_VALUE);
    for (int r = 0; r < repeats; r++) {
      for (int i = 0; i < np; i++) {
        settle();
        long t0 = System.nanoTime();
        Prepared p = model.prepare(passes.get(i), mode);
        long t1 = System.nanoTime();
        TensorSaliency t = model.saliency(p, topK);
        long t2 = System.nanoTime();
        model.maps(p, t);
        long t3 = System.nanoTime();
        best[i] = Math.min(best[i], (t2 - t1) / 1e9);
        bestEndToEnd[i] = Math.min(bestEndToEnd[i], (t3 - t0) / 1e9);
        if (torch != null) {
          settle();
          bestTorch[i] = Math.min(bestTorch[i], torch.run(List.of(files.get(i)), topK, 1, null)[0]);
        }
      }
    }
    for (Pass f : files) {
      Files.deleteIfExists(f.input());
    }
    return new Result(mode, images.size(), np, Arrays.stream(best).sum(), Arrays.stream(bestEndToEnd).sum(),
        torch != null ? Arrays.stream(bestTorch).sum() : 0);
  }

  /**
   * A pause before each timed pass: OpenMP worker threads spin for a while after their work (Intel's, in
   * DJL's libtorch, 200 ms by default), and must not take the cores from the other side's next pass.
   */
  private static void settle() {
    try {
      Thread.sleep(300);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void report(List<Result> results, String device) {
    boolean torch = results.stream().allMatch(r -> r.torch > 0);
    System.out.println();
    System.out.printf("%-11s %5s %6s %12s %12s %12s %9s%n", "mode", "batch", "passes", "DJL img/s", "DJL e2e img/s",
        torch ? "PyTorch img/s" : "", torch ? "DJL/PT" : "");
    double logSum = 0;
    for (Result r : results) {
      System.out.printf(Locale.ROOT, "%-11s %5d %6d %12.2f %13.2f %13s %9s%n", r.mode, r.batch, r.passes, r.batch / r.djl,
          r.batch / r.djlEndToEnd, torch ? String.format(Locale.ROOT, "%.2f", r.batch / r.torch) : "",
          torch ? String.format(Locale.ROOT, "%.3f", r.djl / r.torch) : "");
      if (torch) {
        logSum += Math.log(r.djl / r.torch);
      }
    }
    System.out.println("img/s: images per second of forward + backward (the compared work); e2e adds resizing, crops,"
        + " normalisation and map placement (DJL side only).");
    if (torch) {
      double ratio = Math.exp(logSum / results.size());
      System.out.printf(Locale.ROOT, "ratio: geometric mean over the %d configurations of DJL time / PyTorch time "
          + "(each the sum over its passes of the best of %d)%n", results.size(), repeats);
      System.out.printf(Locale.ROOT, "saliency djl/pytorch time ratio: %.3f on %s%n", ratio, device);
    } else {
      System.out.printf("saliency djl/pytorch time ratio: n/a (PyTorch not measured) on %s%n", device);
    }
  }

  static double maxRelError(float[] a, float[] ref) {
    double d = 0;
    double m = 0;
    for (int i = 0; i < a.length; i++) {
      d = Math.max(d, Math.abs(a[i] - ref[i]));
      m = Math.max(m, Math.abs(ref[i]));
    }
    return d / m;
  }

  static double normRelError(float[] a, float[] ref) {
    double d = 0;
    double m = 0;
    for (int i = 0; i < a.length; i++) {
      d += (double) (a[i] - ref[i]) * (a[i] - ref[i]);
      m += (double) ref[i] * ref[i];
    }
    return Math.sqrt(d / m);
  }

  private static List<BufferedImage> cycle(List<BufferedImage> photos, int n) {
    List<BufferedImage> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(photos.get(i % photos.size()));
    }
    return out;
  }

  private static List<Photo> readPhotos(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("no photo directory " + dir + ": give one with --photos DIR");
    }
    List<Photo> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : files.sorted(Comparator.naturalOrder()).toList()) {
        String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".jpg") || name.endsWith(".jpeg") || name.endsWith(".png")) {
          BufferedImage img = ImageIO.read(p.toFile());
          if (img != null) {
            out.add(new Photo(p.getFileName().toString(), img));
          }
        }
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("no JPEG or PNG photos in " + dir + ": give a directory with --photos DIR");
    }
    return out;
  }

  private static Path modelFile(SaliencyModel model, Path tmp) {
    Path p = model.spec().modelPath();
    if (p == null) {
      throw new IllegalArgumentException("the PyTorch comparison needs a TorchScript file model; use --no-torch for "
          + model.spec().modelId());
    }
    return p;
  }

  private static Path write(float[] data, Path file) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(data);
    Files.write(file, b.array());
    return file;
  }

  private static float[] read(Path file) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    float[] f = new float[b.remaining() / 4];
    b.asFloatBuffer().get(f);
    return f;
  }

  /** The Python process running bench_torch.py (shipped in this jar), spoken to in JSON lines. */
  static final class TorchSide implements AutoCloseable {
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
      this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    static TorchSide start(String python, Path model, int threads, int interop) throws IOException {
      Path script = Files.createTempFile("bench_torch", ".py");
      try (InputStream s = SaliencyBench.class.getResourceAsStream("bench_torch.py")) {
        Files.copy(s, script, StandardCopyOption.REPLACE_EXISTING);
      }
      script.toFile().deleteOnExit();
      Process p;
      try {
        p = new ProcessBuilder(python, script.toString(), model.toString(), Integer.toString(threads),
            Integer.toString(interop))
            .redirectError(ProcessBuilder.Redirect.INHERIT).start();
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

    /** Seconds per repeat for all passes together. */
    double[] run(List<Pass> passes, int topK, int repeats, Path saveGrad) {
      ObjectNode req = JSON.createObjectNode();
      var list = req.putArray("passes");
      for (Pass p : passes) {
        list.addObject().put("input", p.input().toString()).put("images", p.images()).put("crops", p.crops());
      }
      req.put("top_k", topK).put("repeats", repeats);
      req.put("save_grad", saveGrad == null ? null : saveGrad.toString());
      in.println(req.toString());
      JsonNode ans = readLine();
      if (ans == null || !ans.has("times")) {
        throw new IllegalStateException("the PyTorch side stopped (see its error above); rerun with --no-torch");
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
}
