import ai.djl.ndarray.*;
import ai.djl.ndarray.types.Shape;
import java.lang.management.*;
import org.wsol.saliency.model.*;
import java.util.*;

/**
 * DJL side of the one-thread CPU-time probe (BENCHMARKS.md, Saliency): with one intra-op thread the whole pass runs
 * on the calling thread, so its CPU time (user + kernel) is the work's cost, far less disturbed by other processes
 * on a shared machine than wall time. Prints the best of REPEATS per image for the features forward alone and for
 * the default mode's tensor work (model.saliency with class activation maps, top-5, each map at 320 px).
 *
 *   CLI=services/cli/target; java -Dai.djl.offline=true -cp "$CLI/wsol-cli-0.1.0-SNAPSHOT.jar:$CLI/lib/*" \
 *       scripts/saliency-cpu/CpuProbe.java BATCH REPEATS
 * Run it with and without GLIBC_TUNABLES (see README, Batching) to see the page faults' cost.
 */
public class CpuProbe {
  public static void main(String[] a) throws Exception {
    int b = Integer.parseInt(a[0]); int reps = Integer.parseInt(a[1]);
    System.setProperty("ai.djl.pytorch.num_threads", "1");
    System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    SaliencyModel model = SaliencyModel.load(ModelSpec.bundledDefault().withInputSize(320));
    model.method(SaliencyMethod.CAM);
    ThreadMXBean tm = ManagementFactory.getThreadMXBean();
    float[] in = new float[b*3*320*320]; Random r = new Random(1); for (int i=0;i<in.length;i++) in[i]=(float)r.nextGaussian();
    double best = 1e9, bestWall = 1e9;
    for (int it = 0; it < reps + 2; it++) {
      long c0 = tm.getCurrentThreadCpuTime(); long t0 = System.nanoTime();
      TensorSaliency t = model.saliency(in, b, 5);
      for (int k=0;k<5;k++) for (int s=0;s<b;s++) t.map(k,s);
      long c1 = tm.getCurrentThreadCpuTime(); long t1 = System.nanoTime();
      if (it >= 2) { best = Math.min(best, (c1-c0)/1e6/b); bestWall = Math.min(bestWall, (t1-t0)/1e6/b); }
    }
    var blockF = SaliencyModel.class.getDeclaredMethod("block"); blockF.setAccessible(true);
    ai.djl.pytorch.engine.PtSymbolBlock block = (ai.djl.pytorch.engine.PtSymbolBlock) blockF.invoke(model);
    var mf = SaliencyModel.class.getDeclaredMethod("djlModel"); mf.setAccessible(true);
    ai.djl.Model djl = (ai.djl.Model) mf.invoke(model);
    double bf = 1e9;
    for (int it = 0; it < reps + 2; it++) {
      try (NDManager m = djl.getNDManager().newSubManager()) {
        NDArray x = m.create(in, new Shape(b,3,320,320));
        NDArray meth = m.create(0f); meth.setName("module_method:features");
        long c0 = tm.getCurrentThreadCpuTime();
        NDArray f = ai.djl.pytorch.jni.IValueUtils.forward(block, new NDList(x, meth), false).singletonOrThrow();
        long c1 = tm.getCurrentThreadCpuTime();
        if (it >= 2) bf = Math.min(bf, (c1-c0)/1e6/b);
      }
    }
    System.out.printf("DJL features forward alone: %.1f CPU-ms per image%n", bf);
    System.out.printf("DJL 1 thread batch %d: %.1f CPU-ms per image (wall %.1f), best of %d%n", b, best, bestWall, reps);
    model.close();
  }
}
