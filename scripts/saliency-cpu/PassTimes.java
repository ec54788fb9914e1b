import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.wsol.saliency.model.ModelSpec;
import org.wsol.saliency.model.SaliencyMethod;
import org.wsol.saliency.model.SaliencyModel;
import org.wsol.saliency.model.TensorSaliency;

/**
 * DJL side of the pass-time probe (BENCHMARKS.md, Saliency): the spread of the default mode's pass times, not only
 * the best, at a given thread count. One pass = model.saliency (input copy, features, logits, top-5) on BATCH random
 * 320-px inputs, then the five maps of each image at 320 px. Prints min / p10 / p25 / p50 / p75 in ms, for the pass
 * and for the engine part alone. With a second sidecar, the two models' passes alternate and the median of the
 * per-pair ratios (second / first) is printed too: how BENCHMARKS.md compared the rewritten model file with the
 * old one. pass_times.py beside it does the same in PyTorch. With ONEDNN_VERBOSE=1 (here) and
 * DNNL_VERBOSE=1 (there), onednn_compare.py compares each oneDNN primitive's time between the two libtorch builds.
 *
 *   CLI=services/cli/target; java -XX:+UseParallelGC -cp "$CLI/wsol-cli-0.1.0-SNAPSHOT.jar:$CLI/lib/*" \
 *       scripts/saliency-cpu/PassTimes.java BATCH REPEATS SLEEP_MS THREADS [MODEL_JSON [MODEL_JSON]]
 * Run it with ./wsol's GLIBC_TUNABLES and LD_PRELOAD (see ./wsol) to measure what the service runs.
 * -Dpass.method=gradient -Dpass.size=224 (before the file name) times the paper's gradient passes instead: one
 * forward and five backward passes over BATCH inputs.
 */
public class PassTimes {
  public static void main(String[] a) throws Exception {
    int batch = Integer.parseInt(a[0]);
    int repeats = Integer.parseInt(a[1]);
    int sleepMs = Integer.parseInt(a[2]);
    System.setProperty("ai.djl.pytorch.num_threads", a[3]);
    System.setProperty("ai.djl.offline", "true");
    SaliencyMethod method = SaliencyMethod.valueOf(System.getProperty("pass.method", "cam").toUpperCase());
    int size = Integer.getInteger("pass.size", 320);
    List<SaliencyModel> models = new ArrayList<>();
    if (a.length <= 4) {
      models.add(SaliencyModel.load(ModelSpec.bundledDefault().withInputSize(size)));
    }
    for (int i = 4; i < a.length; i++) {
      models.add(SaliencyModel.load(ModelSpec.fromJson(Path.of(a[i])).withInputSize(size)));
    }
    float[] in = new float[batch * 3 * size * size];
    Random r = new Random(1);
    for (int i = 0; i < in.length; i++) {
      in[i] = (float) r.nextGaussian();
    }
    double[][] pass = new double[models.size()][repeats];
    double[][] engine = new double[models.size()][repeats];
    for (int it = -5; it < repeats; it++) {
      for (int m = 0; m < models.size(); m++) {
        SaliencyModel model = models.get(m);
        model.method(method);
        Thread.sleep(sleepMs);
        long t0 = System.nanoTime();
        TensorSaliency t = model.saliency(in, batch, 5);
        long t1 = System.nanoTime();
        for (int k = 0; method == SaliencyMethod.CAM && k < 5; k++) {
          for (int s = 0; s < batch; s++) {
            t.map(k, s);
          }
        }
        long t2 = System.nanoTime();
        if (it >= 0) {
          pass[m][it] = (t2 - t0) / 1e6;
          engine[m][it] = (t1 - t0) / 1e6;
        }
      }
    }
    for (int m = 0; m < models.size(); m++) {
      print("DJL pass   model " + m, pass[m]);
      print("DJL engine model " + m, engine[m]);
    }
    if (models.size() == 2) {
      double[] ratio = new double[repeats];
      for (int i = 0; i < repeats; i++) {
        ratio[i] = pass[1][i] / pass[0][i];
      }
      Arrays.sort(ratio);
      System.out.printf("DJL pass time, model 1 / model 0, median of pairs: %.3f%n", ratio[repeats / 2]);
    }
    models.forEach(SaliencyModel::close);
  }

  static void print(String name, double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    int n = s.length;
    System.out.printf(
        "%s: min %.1f p10 %.1f p25 %.1f p50 %.1f p75 %.1f ms%n",
        name, s[0], s[n / 10], s[n / 4], s[n / 2], s[3 * n / 4]);
  }
}
