package org.wsol.saliency.model;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TorchScript image classifier through DJL's PyTorch engine: loading it offline, its logits,
 * its last feature map and last linear layer (for class activation maps), and the passes that give
 * input gradients: one forward pass, then one backward pass per rank of the classes picked from the
 * logits. Works on normalised input tensors (batch x 3 x S x S); the crops and the maps are {@link
 * CropInputs}' and {@link MapAssembly}'s.
 *
 * <p>Thread-safe; autograd passes are serialised (DJL allows one gradient collector at a time).
 */
final class TorchScriptClassifier implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(TorchScriptClassifier.class);
  private static final Object AUTOGRAD = new Object();

  /**
   * TorchScript method that returns the last feature map (see
   * services/saliency/src/main/python/add_cam_method.py).
   */
  static final String FEATURES_METHOD = "features";

  static {
    enforceOffline();
  }

  private final ModelSpec spec;
  private final Model model;
  private final PtSymbolBlock block;
  private final Device device;
  private final int size;
  private final int numClasses;

  /** The passes' input tensors; used under the {@link #AUTOGRAD} lock only. */
  private final TensorIO io = new TensorIO();

  /**
   * The last linear layer, classes x channels, read from the model when a CAM method is first asked
   * for.
   */
  private float[] classifierWeights;

  private NDArray classifierWeightsT;
  private NDArray classifierBias;

  private TorchScriptClassifier(ModelSpec spec, Model model, Device device) {
    this.spec = spec;
    this.model = model;
    this.device = device;
    this.block = (PtSymbolBlock) model.getBlock();
    this.size = spec.inputSize();
    this.numClasses = spec.classes().size();
    // Weights must not collect gradients; only the input does (setRequiresGradient per call).
    block.freezeParameters(true);
    // module.eval(): BatchNorm/Dropout in inference behaviour, whatever the file was saved in.
    JniUtils.enableInferenceMode(block);
  }

  /**
   * Whether src/main/native/mkl_intel_path.c is preloaded (./wsol does it on AMD CPUs), letting
   * libtorch's MKL use its fast kernels there.
   */
  static boolean mklIntelPathPreloaded() {
    String preload = System.getenv("LD_PRELOAD");
    return preload != null && preload.contains("libwsol-mkl-intel-path");
  }

  /** DJL reads this when the engine or a model loads: never download anything at run time. */
  static void enforceOffline() {
    System.setProperty("ai.djl.offline", "true");
  }

  /** Loads the model once; GPU 0 when the engine sees one, else CPU. */
  static TorchScriptClassifier load(ModelSpec spec) {
    enforceOffline();
    Engine engine = Engine.getEngine("PyTorch");
    Device device = engine.getGpuCount() > 0 ? Device.gpu() : Device.cpu();
    log.info(
        "Loading {} on {} (PyTorch {}, offline; {} intra-op / {} inter-op threads; MKL's Intel path"
            + " on AMD: {})",
        spec,
        device,
        engine.getVersion(),
        JniUtils.getNumThreads(),
        JniUtils.getNumInteropThreads(),
        mklIntelPathPreloaded() ? "preloaded" : "not preloaded");
    // trainParam=true: without it the weights are loaded as inference tensors, which autograd
    // refuses to save for backward even when only the input needs a gradient. The constructor
    // then freezes the weights and puts the module in eval mode.
    Map<String, String> options = Map.of("trainParam", "true", "mapLocation", "true");
    try {
      Model model;
      if (spec.modelPath() != null) {
        model = Model.newInstance(spec.modelId(), device, "PyTorch");
        model.load(spec.modelPath(), null, options);
      } else {
        Criteria.Builder<NDList, NDList> b =
            Criteria.builder()
                .setTypes(NDList.class, NDList.class)
                .optModelUrls(spec.modelUrl())
                .optEngine("PyTorch")
                .optDevice(device);
        options.forEach(b::optOption);
        model = b.build().loadModel();
      }
      return new TorchScriptClassifier(spec, model, device);
    } catch (IOException
        | MalformedModelException
        | ModelNotFoundException
        | ai.djl.engine.EngineException e) {
      // EngineException: PyTorch itself refused the file (not TorchScript, truncated, wrong
      // version).
      throw new IllegalStateException(
          "cannot load "
              + spec
              + " (runs offline: a djl:// model must "
              + "already be in the DJL cache; a file must be TorchScript)",
          e);
    }
  }

  ModelSpec spec() {
    return spec;
  }

  Device device() {
    return device;
  }

  int numClasses() {
    return numClasses;
  }

  PtSymbolBlock block() {
    return block;
  }

  Model djlModel() {
    return model;
  }

  /** Whether the last linear layer has been read (and checked) for class activation maps. */
  boolean classActivationsLoaded() {
    return classifierWeights != null;
  }

  /**
   * Finds the last linear layer among the parameters (the 2-D one with one row per class, and its
   * bias) and checks that {@value #FEATURES_METHOD} exists and feeds it, so that a model without
   * them fails now, with what to do.
   */
  void loadClassActivations() {
    String hint =
        " (the CAM methods need a TorchScript model with a '"
            + FEATURES_METHOD
            + "' method returning the "
            + "last feature map N x K x h x w, and logits = a linear layer over its spatial mean; see "
            + "services/saliency/src/main/python/add_cam_method.py, or use saliency.method=gradient)";
    if (!Arrays.asList(JniUtils.getMethodNames(block)).contains(FEATURES_METHOD)) {
      throw new IllegalStateException(spec + " has no '" + FEATURES_METHOD + "' method" + hint);
    }
    NDArray w = null;
    NDArray b = null;
    for (var p : block.getParameters()) {
      NDArray a = p.getValue().getArray();
      Shape shape = a.getShape();
      if (shape.dimension() == 2 && shape.get(0) == numClasses) {
        w = a;
      } else if (shape.dimension() == 1 && shape.get(0) == numClasses) {
        b = a;
      }
    }
    if (w == null || b == null) {
      throw new IllegalStateException(
          spec + " has no " + numClasses + "-class linear layer among its parameters" + hint);
    }
    int channels = (int) w.getShape().get(1);
    try (NDManager m = model.getNDManager().newSubManager()) {
      float[] probe = new float[3 * size * size];
      java.util.Random r = new java.util.Random(1);
      for (int i = 0; i < probe.length; i++) {
        probe[i] = (float) r.nextGaussian();
      }
      NDArray x = m.create(probe, new Shape(1, 3, size, size));
      NDArray f = features(m, x, false);
      if (f.getShape().dimension() != 4 || f.getShape().get(1) != channels) {
        throw new IllegalStateException(
            spec
                + ": '"
                + FEATURES_METHOD
                + "' returns "
                + f.getShape()
                + ", not N x "
                + channels
                + " x h x w"
                + hint);
      }
      // The CAM is only the class's evidence map if the logits really are this layer over the
      // features' mean.
      float[] spelt =
          f.reshape(1, channels, -1)
              .mean(new int[] {2})
              .matMul(w.transpose())
              .add(b)
              .toFloatArray();
      float[] logits =
          IValueUtils.forward(block, new NDList(x), false).singletonOrThrow().toFloatArray();
      for (int c = 0; c < numClasses; c++) {
        if (Math.abs(spelt[c] - logits[c]) > 1e-3f * Math.max(1f, Math.abs(logits[c]))) {
          throw new IllegalStateException(
              spec
                  + ": its logits are not a linear layer over the spatial mean "
                  + "of '"
                  + FEATURES_METHOD
                  + "' (class "
                  + c
                  + ": "
                  + logits[c]
                  + " vs "
                  + spelt[c]
                  + ")"
                  + hint);
        }
      }
    } catch (ai.djl.engine.EngineException e) {
      // PyTorch refused the probe (the method fails on an input, or its output does not fit the
      // last layer):
      // the same answer as a missing method, so that the default mode can fall back instead of
      // failing.
      throw new IllegalStateException(
          spec
              + ": '"
              + FEATURES_METHOD
              + "' failed on a "
              + size
              + "-px probe: "
              + e.getMessage()
              + hint,
          e);
    }
    NDManager keep = model.getNDManager();
    this.classifierWeights = w.toFloatArray();
    this.classifierWeightsT =
        keep.create(classifierWeights, new Shape(numClasses, channels)).transpose();
    this.classifierBias = keep.create(b.toFloatArray());
  }

  /**
   * The model's {@value #FEATURES_METHOD}(x), on x's manager; with {@code grad}, on the autograd
   * graph.
   */
  private NDArray features(NDManager m, NDArray x, boolean grad) {
    // IValueUtils.runMethod runs with grad mode off; forward(..., true) keeps it on (as for the
    // logits) and runs
    // the method named by an array called "module_method:<name>" in the list (the array itself is
    // not an input).
    NDArray method = m.create(0f);
    method.setName("module_method:" + FEATURES_METHOD);
    return IValueUtils.forward(block, new NDList(x, method), grad).singletonOrThrow();
  }

  /** Plain inference logits (no autograd) for a batch x 3 x S x S normalised input. */
  float[] logits(float[] input, int batch) {
    try (NDManager m = model.getNDManager().newSubManager()) {
      NDArray x = m.create(input, new Shape(batch, 3, size, size));
      return TensorIO.floats(IValueUtils.forward(block, new NDList(x), false).singletonOrThrow());
    }
  }

  /**
   * One forward pass, then one backward pass per rank of the classes chooser picks from the logits.
   * For class c with score S_c, the backward pass of sum_i S_{c_ir}(I_i) gives every image's
   * gradient dS_c/dI at once, since images in a batch are independent (eval mode: no batch
   * statistics); the k ranks' backward passes reuse one forward graph.
   */
  TensorSaliency run(
      float[] input, int batch, SaliencyMethod method, Function<float[], int[][]> chooser) {
    if (input.length != batch * 3 * size * size) {
      throw new IllegalArgumentException(
          "input must be " + batch + " x 3 x " + size + " x " + size);
    }
    synchronized (AUTOGRAD) {
      try (NDManager m = model.getNDManager().newSubManager();
          GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
        NDArray x = io.input(m, input, new Shape(batch, 3, size, size));
        x.setRequiresGradient(method != SaliencyMethod.CAM);
        NDArray out;
        ClassActivation activations = null;
        if (method == SaliencyMethod.GRADIENT) {
          // Straight to the module with autograd on: PtSymbolBlock.forward(training=true) would
          // also switch the module to train mode.
          out = IValueUtils.forward(block, new NDList(x), true).singletonOrThrow();
        } else {
          // The module's own forward, spelt out: logits = mean(features) W^T + b, so that the one
          // forward pass gives both the CAM's features and the logits the gradient starts from.
          // The CAM alone needs no autograd: the forward pass then runs without recording a graph.
          NDArray f = features(m, x, method != SaliencyMethod.CAM);
          Shape fs = f.getShape();
          // DJL's PyTorch mean takes one axis: flatten the positions first.
          out =
              f.reshape(fs.get(0), fs.get(1), -1)
                  .mean(new int[] {2})
                  .matMul(classifierWeightsT)
                  .add(classifierBias);
          activations =
              new ClassActivation(
                  TensorIO.floats(f),
                  batch,
                  (int) fs.get(1),
                  (int) fs.get(2),
                  (int) fs.get(3),
                  classifierWeights);
        }
        float[] logits = TensorIO.floats(out);
        int[][] classes = chooser.apply(logits);
        int k = method == SaliencyMethod.CAM || classes.length == 0 ? 0 : classes[0].length;
        float[][] grads = new float[k][];
        for (int r = 0; r < k; r++) {
          // Backward of sum_i S_{c_ir}: the vector-Jacobian product with a one-hot mask.
          float[] mask = new float[batch * numClasses];
          for (int i = 0; i < batch; i++) {
            mask[i * numClasses + classes[i][r]] = 1f;
          }
          NDArray seed = m.create(mask, out.getShape());
          JniUtils.backward((PtNDArray) out, (PtNDArray) seed, r < k - 1, false);
          grads[r] = TensorIO.floats(x.getGradient());
          JniUtils.zeroGrad((PtNDArray) x); // .grad accumulates across passes
        }
        return new TensorSaliency(
            batch,
            size,
            numClasses,
            logits,
            classes,
            method == SaliencyMethod.CAM ? null : grads,
            method,
            activations);
      }
    }
  }

  @Override
  public void close() {
    if (classifierWeightsT != null) {
      classifierWeightsT.close();
      classifierBias.close();
    }
    model.close();
  }
}
