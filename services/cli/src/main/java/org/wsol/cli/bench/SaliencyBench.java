package org.wsol.cli.bench;

import ai.djl.pytorch.jni.JniUtils;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.wsol.cli.SettingsOptions;
import org.wsol.common.config.SettingKeys;
import org.wsol.common.config.Settings;
import org.wsol.saliency.model.ModelSpec;
import org.wsol.saliency.model.PassCalibration;
import org.wsol.saliency.model.SaliencyModel;
import org.wsol.saliency.model.SaliencyModel.Mode;
import org.wsol.saliency.service.SaliencyConfig;
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
          "timed repeats of each pass on each side, at least; the best counts (default ${DEFAULT-VALUE})")
  int repeats;

  @Option(
      names = "--min-seconds",
      defaultValue = "0.5",
      description =
          "repeats go on past --repeats (up to "
              + SaliencyTimer.MAX_REPEATS
              + ") until DJL's timed passes of a configuration add up to this many seconds, so that"
              + " short configurations are not one noisy pass (default ${DEFAULT-VALUE})")
  double minSeconds;

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

  @Override
  public Integer call() throws Exception {
    int n = threads != null ? threads : Runtime.getRuntime().availableProcessors();
    // Read once when the engine starts, which happens in load() below.
    System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(n));
    List<BenchPhotos.Photo> photoList =
        BenchPhotos.readPhotos(
            photos != null
                ? photos
                : Path.of(System.getProperty("wsol.home", "."), "samples", "photos"));
    Path tmp = Files.createTempDirectory("wsol-bench-");
    Settings given = config.settings();
    if (maxCropsPerPass != null) {
      given = given.with(SettingKeys.SALIENCY_MAX_CROPS_PER_PASS, maxCropsPerPass);
    }
    SaliencyConfig c = SaliencyConfig.from(given);
    ModelSpec spec = c.sidecar();
    List<SaliencyWork> works = new ArrayList<>();
    TorchSide torch = null;
    try {
      Mode mode = c.crops();
      int k = c.topK();
      SaliencyModel dm = SaliencyModel.load(c.modelSpec()).workingShortSide(c.workingSize());
      works.add(
          new SaliencyWork(
              String.format(
                  Locale.ROOT,
                  "%s %d %s top-%d",
                  c.localizationMode(),
                  dm.spec().inputSize(),
                  mode == Mode.TEN_CROP ? "10-crop" : "view",
                  k),
              dm,
              mode,
              k,
              true));
      dm.method(c.method());
      String capLine;
      if (c.maxCropsPerPass().isEmpty()) {
        capLine = "auto: " + PassCalibration.calibrate(dm, mode, k, c.batchSize(), 2).describe();
      } else {
        dm.maxCropsPerPass(c.maxCropsPerPass().getAsInt());
        capLine = Integer.toString(c.maxCropsPerPass().getAsInt());
      }
      if (gradient) {
        SaliencyModel gm = SaliencyModel.load(spec).maxCropsPerPass(c.maxCropsPerPass().orElse(32));
        for (Mode m : modes) {
          works.add(
              new SaliencyWork(
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
          SaliencyReport.cpuName(),
          Runtime.getRuntime().availableProcessors(),
          SaliencyReport.loadAverage(),
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
        for (SaliencyWork w : works) {
          if (w.torchMethod() == null) {
            System.out.println(
                "PyTorch: " + w.label() + " is not measured there (" + w.model().method().id + ")");
          } else if (w.ranked() || w.mode() == Mode.SINGLE_CROP) {
            MapAgreement.check(w, torch, photoList, tmp);
          }
        }
      }
      System.out.printf(
          Locale.ROOT,
          "inputs per pass, default mode: %s; best of at least %d per pass, more until %.1f s of"
              + " DJL passes%n",
          capLine,
          repeats,
          minSeconds);
      List<SaliencyTiming> results = new ArrayList<>();
      for (SaliencyWork w : works) {
        for (int batch : batches) {
          SaliencyTiming r =
              SaliencyTimer.measure(
                  w,
                  w.torchMethod() != null ? torch : null,
                  BenchPhotos.cycle(
                      photoList.stream().map(BenchPhotos.Photo::image).toList(), batch),
                  tmp,
                  repeats,
                  minSeconds);
          results.add(r);
          System.out.printf(
              Locale.ROOT,
              "  %-24s batch %2d: DJL %.3f s%s, best of %d%n",
              w.label(),
              batch,
              r.djl(),
              r.torch() > 0 ? String.format(Locale.ROOT, ", PyTorch %.3f s", r.torch()) : "",
              r.repeats());
        }
      }
      System.out.printf(Locale.ROOT, "load average at the end: %s%n", SaliencyReport.loadAverage());
      SaliencyReport.print(results, device);
    } finally {
      if (torch != null) {
        torch.close();
      }
      works.stream().map(SaliencyWork::model).distinct().forEach(SaliencyModel::close);
      try (Stream<Path> files = Files.list(tmp)) {
        files.forEach(p -> p.toFile().delete());
      }
      Files.deleteIfExists(tmp);
    }
    return 0;
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
}
