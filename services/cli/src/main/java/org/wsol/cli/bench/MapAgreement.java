package org.wsol.cli.bench;

import static org.wsol.cli.bench.Float32Files.read;
import static org.wsol.cli.bench.Float32Files.write;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.wsol.cli.bench.TorchSide.Pass;
import org.wsol.saliency.model.MapAssembly;
import org.wsol.saliency.model.SaliencyMethod;
import org.wsol.saliency.model.SaliencyModel;
import org.wsol.saliency.model.SaliencyModel.Prepared;
import org.wsol.saliency.model.TensorSaliency;

/** Whether DJL's maps agree with PyTorch's on the same inputs, and the error measures it uses. */
final class MapAgreement {
  private MapAgreement() {}

  /**
   * DJL's maps against PyTorch's on the same inputs (top-1, one image a pass), photo by photo:
   * class activation maps at the input size, or input gradients against autograd (where ReLU6 kinks
   * make two libtorch builds differ).
   */
  static void check(SaliencyWork w, TorchSide torch, List<BenchPhotos.Photo> photos, Path tmp)
      throws IOException {
    SaliencyModel model = w.model();
    int size = model.spec().inputSize();
    boolean cam = model.method() == SaliencyMethod.CAM;
    List<String> lines = new ArrayList<>();
    double worst = 0;
    String worstName = "";
    int within = 0;
    for (BenchPhotos.Photo photo : photos) {
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
}
