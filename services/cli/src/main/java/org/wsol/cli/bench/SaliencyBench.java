package org.wsol.cli.bench;

import ai.djl.pytorch.jni.JniUtils;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.wsol.cli.SettingsOptions;
import org.wsol.cli.bench.TorchSide.Pass;
import org.wsol.common.config.LocalizationMode;
import org.wsol.common.config.Settings;
import org.wsol.saliency.model.MapAssembly;
import org.wsol.saliency.model.ModelSpec;
import org.wsol.saliency.model.PassCalibration;
import org.wsol.saliency.model.SaliencyModel;
import org.wsol.saliency.model.SaliencyModel.Method;
import org.wsol.saliency.model.SaliencyModel.Mode;
import org.wsol.saliency.model.SaliencyModel.Prepared;
import org.wsol.saliency.model.SaliencyModel.TensorSaliency;
import org.wsol.saliency.service.SaliencyService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Saliency throughput through DJL against the same work in PyTorch itself (Debian's python3-torch),
 * in one run: same TorchScript file, same inputs (written to files and read by the Python side),
 * same passes, same intra-op thread count. The two sides alternate pass by pass, so that load from
 * other processes on a shared machine falls on both; a configuration's time is the sum over its
 * passes of each pass's best. The ratio is over the default localisation mode's work (its method,
 * input size, views and top-k); the gradient rows of the paper's modes come with --gradient.
 */
@Command(
    name = "saliency",
    mixinStandardHelpOptions = true,
    description = {
      "Measures the speed of saliency maps here against the same work in PyTorch.",
      "Images/s of the default mode's maps (class activation maps of the whole image at 320 px, top-5) at several",
      "batch sizes, and the time of the same work in PyTorch (/usr/bin/python3 with torch) as a ratio; --gradient adds",
      "gradient maps (forward + backward) for single-crop and 10-crop. Last line:",
      "'saliency djl/pytorch time ratio: <r> on <device>' (over the default mode's rows)."
    })
public class SaliencyBench implements Callable<Integer> {
  @Mixin SettingsOptions config;

  @Option(
      names = "--photos",
      paramLabel = "DIR",
      description = "photos to run on, cycled to fill a batch (default: samples/photos)")
  Path photos;

  @Option(
      names = "--batches",
      split = ",",
      defaultValue = "1,8,32",
      description = "images per batch (default ${DEFAULT-VALUE})")
  int[] batches;

  @Option(
      names = "--gradient",
      description =
          "also gradient maps (forward + backward) at the model's input size, for --modes")
  boolean gradient;

  @Option(
      names = "--modes",
      split = ",",
      defaultValue = "SINGLE_CROP,TEN_CROP",
      description = "with --gradient: SINGLE_CROP and/or TEN_CROP (default ${DEFAULT-VALUE})")
  Mode[] modes;

  @Option(
      names = "--top-k",
      defaultValue = "1",
      description =
          "with --gradient: classes per image, one backward pass each (default ${DEFAULT-VALUE}; the default mode's rows use saliency.top.k)")
  int topK;

  @Option(
      names = "--repeats",
      defaultValue = "3",
      description =
          "timed repeats of each pass on each side; the best counts (default ${DEFAULT-VALUE})")
  int repeats;

  @Option(
      names = "--threads",
      description = "intra-op threads on both sides (default: the cores this JVM sees)")
  Integer threads;

  @Option(
      names = "--max-crops-per-pass",
      paramLabel = "N|auto",
      description =
          "inputs per pass for the default mode's rows; images are not split; auto = timed as the service does (default: the setting saliency.max.crops.per.pass); the gradient rows use a number given here, else 32")
  String maxCropsPerPass;

  @Option(
      names = "--python",
      defaultValue = "/usr/bin/python3",
      description = "a Python with torch (default ${DEFAULT-VALUE})")
  String python;

  @Option(names = "--no-torch", description = "DJL figures only")
  boolean noTorch;

  /**
   * One kind of work: a model set up for it, how images become inputs, classes per image; ranked:
   * in the ratio.
   */
  private record Work(String label, SaliencyModel model, Mode mode, int topK, boolean ranked) {
    String torchMethod() {
      return switch (model.method()) {
        case CAM -> "cam";
        case GRADIENT -> "gradient";
        case GRADIENT_CAM -> null; // not spelt out on the PyTorch side
      };
    }
  }

  private record Result(
      Work work, int batch, int passes, double djl, double djlEndToEnd, double torch) {}

  private record Photo(String name, BufferedImage image) {}

  @Override
  public Integer call() throws Exception {
    int n = threads != null ? threads : Runtime.getRuntime().availableProcessors();
    // Read once when the engine starts, which happens in load() below.
    System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(n));
    List<Photo> photoList =
        readPhotos(
            photos != null
                ? photos
                : Path.of(System.getProperty("wsol.home", "."), "samples", "photos"));
    Path tmp = Files.createTempDirectory("wsol-bench-");
    Settings s = LocalizationMode.resolve(config.settings());
    ModelSpec spec = SaliencyService.modelSpec(s.get("saliency.model"));
    String cap =
        maxCropsPerPass != null
            ? maxCropsPerPass.trim()
            : s.get("saliency.max.crops.per.pass").trim();
    List<Work> works = new ArrayList<>();
    TorchSide torch = null;
    try {
      Mode mode = s.getBoolean("saliency.ten.crop") ? Mode.TEN_CROP : Mode.SINGLE_CROP;
      int k = s.getInt("saliency.top.k");
      SaliencyModel dm =
          SaliencyModel.load(SaliencyService.inputSize(spec, s.get("saliency.input.size")))
              .workingShortSide(s.getInt("saliency.working.size"));
      works.add(
          new Work(
              String.format(
                  Locale.ROOT,
                  "%s %d %s top-%d",
                  s.get("localization.mode"),
                  dm.spec().inputSize(),
                  mode == Mode.TEN_CROP ? "10-crop" : "view",
                  k),
              dm,
              mode,
              k,
              true));
      dm.method(Method.of(s.get("saliency.method")));
      String capLine;
      if (cap.equals("auto")) {
        capLine =
            "auto: "
                + PassCalibration.calibrate(dm, mode, k, s.getInt("saliency.batch.size"), 2)
                    .describe();
      } else {
        dm.maxCropsPerPass(Integer.parseInt(cap));
        capLine = cap;
      }
      if (gradient) {
        SaliencyModel gm =
            SaliencyModel.load(spec)
                .maxCropsPerPass(cap.equals("auto") ? 32 : Integer.parseInt(cap));
        for (Mode m : modes) {
          works.add(
              new Work(
                  String.format(
                      Locale.ROOT,
                      "gradient %d %s top-%d",
                      spec.inputSize(),
                      m == Mode.TEN_CROP ? "10-crop" : "crop",
                      topK),
                  gm,
                  m,
                  topK,
                  false));
        }
      }
      torch =
          noTorch
              ? null
              : TorchSide.start(python, modelFile(spec), n, JniUtils.getNumInteropThreads());
      String device = dm.device().isGpu() ? "gpu" + dm.device().getDeviceId() : "cpu";
      System.out.printf(
          Locale.ROOT,
          "model %s on %s; DJL: PyTorch %s, %d intra-op / %d inter-op threads; %d photos from %s%n",
          spec.modelId(),
          device,
          ai.djl.engine.Engine.getEngine("PyTorch").getVersion(),
          JniUtils.getNumThreads(),
          JniUtils.getNumInteropThreads(),
          photoList.size(),
          photos != null ? photos : "samples/photos");
      System.out.printf(
          Locale.ROOT,
          "host: %s, %d cores; load average %s; GLIBC_TUNABLES=%s%n",
          cpuName(),
          Runtime.getRuntime().availableProcessors(),
          loadAverage(),
          System.getenv("GLIBC_TUNABLES"));
      if (torch != null && torch.error != null) {
        System.out.println("PyTorch: not measured: " + torch.error + " -- DJL figures only");
        torch = null;
      } else if (torch != null) {
        System.out.printf(
            Locale.ROOT,
            "PyTorch: torch %s via %s, %d intra-op / %d inter-op threads%n",
            torch.version,
            python,
            torch.threads,
            torch.interop);
        if (!device.equals("cpu")) {
          System.out.println(
              "PyTorch side runs on the CPU (Debian's torch has no CUDA): the ratio is GPU DJL vs CPU PyTorch");
        }
        for (Work w : works) {
          if (w.torchMethod() == null) {
            System.out.println(
                "PyTorch: " + w.label() + " is not measured there (" + w.model().method().id + ")");
          } else if (w.ranked() || w.mode() == Mode.SINGLE_CROP) {
            check(w, torch, photoList, tmp);
          }
        }
      }
      System.out.printf(
          Locale.ROOT,
          "inputs per pass, default mode: %s; best of %d per pass%n",
          capLine,
          repeats);
      List<Result> results = new ArrayList<>();
      for (Work w : works) {
        for (int batch : batches) {
          Result r =
              measure(
                  w,
                  w.torchMethod() != null ? torch : null,
                  cycle(photoList.stream().map(Photo::image).toList(), batch),
                  tmp);
          results.add(r);
          System.out.printf(
              Locale.ROOT,
              "  %-24s batch %2d: DJL %.3f s%s%n",
              w.label(),
              batch,
              r.djl,
              r.torch > 0 ? String.format(Locale.ROOT, ", PyTorch %.3f s", r.torch) : "");
        }
      }
      System.out.printf(Locale.ROOT, "load average at the end: %s%n", loadAverage());
      report(results, device);
    } finally {
      if (torch != null) {
        torch.close();
      }
      works.stream().map(Work::model).distinct().forEach(SaliencyModel::close);
      try (Stream<Path> files = Files.list(tmp)) {
        files.forEach(p -> p.toFile().delete());
      }
      Files.deleteIfExists(tmp);
    }
    return 0;
  }

  /**
   * DJL's maps against PyTorch's on the same inputs (top-1, one image a pass), photo by photo:
   * class activation maps at the input size, or input gradients against autograd (where ReLU6 kinks
   * make two libtorch builds differ).
   */
  private void check(Work w, TorchSide torch, List<Photo> photos, Path tmp) throws IOException {
    SaliencyModel model = w.model();
    int size = model.spec().inputSize();
    boolean cam = model.method() == Method.CAM;
    List<String> lines = new ArrayList<>();
    double worst = 0;
    String worstName = "";
    int within = 0;
    for (Photo photo : photos) {
      Prepared p = model.prepare(List.of(photo.image()), w.mode());
      TensorSaliency t = model.saliency(p, 1);
      // A file name per photo and work: the Python side caches inputs by path.
      String id = w.label().replace(' ', '_') + "-" + lines.size();
      Path in = write(p.input(), tmp.resolve("check-" + id + ".f32"));
      Path out = tmp.resolve("check-out-" + id + ".f32");
      torch.run(List.of(new Pass(in, 1, p.cropsPerImage())), w.torchMethod(), 1, 1, out);
      float[] ref = read(out);
      float[] map = t.map(0, 0);
      float[] refMap =
          cam ? Arrays.copyOf(ref, size * size) : MapAssembly.maxAbsOverChannels(ref, 0, size);
      double maxRel = maxRelError(map, refMap);
      if (maxRel > worst) {
        worst = maxRel;
        worstName = photo.name();
      }
      within += maxRel <= 1e-4 ? 1 : 0;
      lines.add(
          String.format(
              Locale.ROOT,
              "  %-28s class %3d: map max rel. error %.1e, ||a-b||/||b|| %.1e%s",
              photo.name(),
              t.classes()[0][0],
              maxRel,
              normRelError(map, refMap),
              cam
                  ? ""
                  : String.format(
                      Locale.ROOT, " (gradient %.1e)", normRelError(t.gradient(0, 0), ref))));
    }
    System.out.printf(
        Locale.ROOT,
        "check %s: DJL maps vs PyTorch's on the same inputs (top-1), max relative error "
            + "max |a-b| / max |b|: within 1e-4 on %d of %d photos, worst %.1e (%s)%n",
        w.label(),
        within,
        photos.size(),
        worst,
        worstName);
    lines.forEach(System.out::println);
  }

  /**
   * The compared work of a prepared pass: the engine's passes and, for class activation maps, each
   * map at the input size (what the PyTorch side hands back too).
   */
  private static TensorSaliency tensorWork(Work w, Prepared p) {
    TensorSaliency t = w.model().saliency(p, w.topK());
    if (t.method() == Method.CAM) {
      for (int r = 0; r < w.topK(); r++) {
        for (int i = 0; i < p.crops(); i++) {
          t.map(r, i);
        }
      }
    }
    return t;
  }

  private Result measure(Work w, TorchSide torch, List<BufferedImage> images, Path tmp)
      throws IOException {
    SaliencyModel model = w.model();
    List<List<BufferedImage>> passes = model.passes(images, w.mode());
    List<Pass> files = new ArrayList<>();
    if (torch != null) {
      for (int i = 0; i < passes.size(); i++) {
        Prepared p = model.prepare(passes.get(i), w.mode());
        files.add(
            new Pass(
                write(
                    p.input(),
                    tmp.resolve(
                        w.label().replace(' ', '_') + "-" + images.size() + "-" + i + ".f32")),
                p.images(),
                p.cropsPerImage()));
      }
    }
    // Warm-up: TorchScript's profiling executor optimises per input shape in its first runs, on
    // both sides.
    List<Integer> shapes = new ArrayList<>();
    for (int i = 0; i < passes.size(); i++) {
      if (!shapes.contains(passes.get(i).size())) {
        shapes.add(passes.get(i).size());
        for (int r = 0; r < 2; r++) {
          tensorWork(w, model.prepare(passes.get(i), w.mode()));
        }
        if (torch != null) {
          torch.run(List.of(files.get(i)), w.torchMethod(), w.topK(), 2, null);
        }
      }
    }
    // Pass by pass, DJL then PyTorch, best of the repeats per pass: on a shared machine the load
    // from others
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
        Prepared p = model.prepare(passes.get(i), w.mode());
        long t1 = System.nanoTime();
        TensorSaliency t = tensorWork(w, p);
        long t2 = System.nanoTime();
        model.maps(p, t);
        long t3 = System.nanoTime();
        best[i] = Math.min(best[i], (t2 - t1) / 1e9);
        bestEndToEnd[i] = Math.min(bestEndToEnd[i], (t3 - t0) / 1e9);
        if (torch != null) {
          settle();
          bestTorch[i] =
              Math.min(
                  bestTorch[i],
                  torch.run(List.of(files.get(i)), w.torchMethod(), w.topK(), 1, null)[0]);
        }
      }
    }
    for (Pass f : files) {
      Files.deleteIfExists(f.input());
    }
    return new Result(
        w,
        images.size(),
        np,
        Arrays.stream(best).sum(),
        Arrays.stream(bestEndToEnd).sum(),
        torch != null ? Arrays.stream(bestTorch).sum() : 0);
  }

  /**
   * A pause before each timed pass: OpenMP worker threads (GNU OpenMP in both libtorch builds here)
   * spin for a while after their work, and must not take the cores from the other side's next pass.
   */
  private static void settle() {
    try {
      Thread.sleep(300);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void report(List<Result> results, String device) {
    System.out.println();
    System.out.printf(
        "%-24s %5s %6s %12s %13s %13s %9s%n",
        "work", "batch", "passes", "DJL img/s", "DJL e2e img/s", "PyTorch img/s", "DJL/PT");
    for (Result r : results) {
      System.out.printf(
          Locale.ROOT,
          "%-24s %5d %6d %12.2f %13.2f %13s %9s%n",
          r.work.label(),
          r.batch,
          r.passes,
          r.batch / r.djl,
          r.batch / r.djlEndToEnd,
          r.torch > 0 ? String.format(Locale.ROOT, "%.2f", r.batch / r.torch) : "",
          r.torch > 0 ? String.format(Locale.ROOT, "%.3f", r.djl / r.torch) : "");
    }
    System.out.println(
        "img/s: images per second of the compared work (the passes; class activation maps include each map"
            + " at the input size); e2e adds resizing, crops, normalisation and map placement (DJL side only).");
    List<Result> gradientRows = results.stream().filter(r -> !r.work.ranked()).toList();
    if (!gradientRows.isEmpty() && gradientRows.stream().allMatch(r -> r.torch > 0)) {
      System.out.printf(
          Locale.ROOT,
          "gradient rows (not in the ratio): geometric mean DJL/PyTorch %.3f%n",
          geoMean(gradientRows));
    }
    List<Result> ranked = results.stream().filter(r -> r.work.ranked()).toList();
    if (ranked.stream().allMatch(r -> r.torch > 0)) {
      System.out.printf(
          Locale.ROOT,
          "ratio: geometric mean over the default mode's %d configurations of DJL time / PyTorch"
              + " time (each the sum over its passes of the best of %d)%n",
          ranked.size(),
          repeats);
      System.out.printf(
          Locale.ROOT, "saliency djl/pytorch time ratio: %.3f on %s%n", geoMean(ranked), device);
    } else {
      System.out.printf(
          "saliency djl/pytorch time ratio: n/a (PyTorch not measured) on %s%n", device);
    }
  }

  private static double geoMean(List<Result> rows) {
    return Math.exp(
        rows.stream().mapToDouble(r -> Math.log(r.djl / r.torch)).average().orElse(Double.NaN));
  }

  private static String cpuName() {
    try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
      return lines
          .filter(l -> l.startsWith("model name"))
          .map(l -> l.substring(l.indexOf(':') + 1).trim())
          .findFirst()
          .orElse("unknown CPU");
    } catch (IOException | RuntimeException e) {
      return System.getProperty("os.arch");
    }
  }

  private static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
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
      throw new IllegalArgumentException(
          "no photo directory " + dir + ": give one with --photos DIR");
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
      throw new IllegalArgumentException(
          "no JPEG or PNG photos in " + dir + ": give a directory with --photos DIR");
    }
    return out;
  }

  private static Path modelFile(ModelSpec spec) {
    Path p = spec.modelPath();
    if (p == null) {
      throw new IllegalArgumentException(
          "the PyTorch comparison needs a TorchScript file model; use --no-torch for "
              + spec.modelId());
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
}
