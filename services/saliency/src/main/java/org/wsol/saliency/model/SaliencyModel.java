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

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Class saliency maps (Simonyan, Vedaldi &amp; Zisserman 2014, section 3): for class c with score
 * S_c (the logit, before softmax), w = dS_c/dI at the (normalised) input I, and the map
 * M_ij = max_c |w_cij|. One forward pass per batch gives all logits; for each rank r one backward
 * pass of sum_i S_{c_ir}(I_i) gives every image's gradient, since images in a batch are independent
 * (eval mode: no batch statistics). With k = 1 that is the one backward per batch; for k &gt; 1
 * the k backward passes reuse one forward graph, cheaper than one backward over k copies of each
 * image (which would need k forward passes' worth of work too).
 *
 * <p>Thread-safe; autograd passes are serialised (DJL allows one gradient collector at a time).
 */
public final class SaliencyModel implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SaliencyModel.class);
    private static final Object AUTOGRAD = new Object();

    static {
        enforceOffline();
    }

    /** How an image becomes network inputs. */
    public enum Mode {
        /** The working image resized to the input size; the map is resized back. */
        SINGLE_CROP,
        /** 4 corners + centre and their mirror images; top-k from the mean of the 10 crops' logits. */
        TEN_CROP
    }

    /** Which map each class gets (the crops, classes and placement back into the image are the same for all). */
    public enum Method {
        /** Simonyan et al. 2014: max over colour channels of |dS_c/dI| (the paper). */
        GRADIENT("gradient"),
        /**
         * Zhou et al. 2016: the class activation map Σ_k w_ck A_k of the last feature map (7 x 7 for a 224-px
         * input), resized bilinearly to the input. Coarse but covering the object's extent; no backward pass.
         */
        CAM("cam"),
        /**
         * The gradient map multiplied, crop by crop, by the positive part of the class activation map, as Guided
         * Grad-CAM (Selvaraju et al. 2017) gates guided backpropagation: the gradient's pixel detail (what
         * GraphCut's colour seeds need) where the class's evidence lies, its speckle on the background suppressed.
         * Same passes as the gradient (the features come out of the same forward pass).
         */
        GRADIENT_CAM("gradient-cam");

        public final String id;

        Method(String id) {
            this.id = id;
        }

        public static Method of(String id) {
            for (Method m : values()) {
                if (m.id.equals(id)) {
                    return m;
                }
            }
            throw new IllegalArgumentException("saliency.method must be gradient, cam or gradient-cam, not '" + id + "'");
        }
    }

    /** TorchScript method that returns the last feature map (see services/saliency/src/main/python/add_cam_method.py). */
    static final String FEATURES_METHOD = "features";

    /** Rank of a class that was asked for by the caller rather than ranked by the model. */
    public static final int REQUESTED = -1;

    /**
     * One class of one image: its rank in the top-k (0 = top; {@link #REQUESTED} for a class the caller
     * asked for), logit and saliency map (working-image size).
     */
    public record ClassSaliency(int index, String label, int rank, float logit, float[] map) {}

    /** The working image (shorter side 256 by default) and its top-k classes with maps. */
    public record ImageSaliency(BufferedImage workingImage, List<ClassSaliency> classes) {
        public int width() { return workingImage.getWidth(); }
        public int height() { return workingImage.getHeight(); }
        public int[] rgb() { return Images.rgb(workingImage); }
    }

    /**
     * Raw result on an input tensor of batch x 3 x S x S: logits (batch x numClasses), the classes
     * used per sample and rank, per rank the input gradient (batch x 3 x S x S; null with {@link Method#CAM}),
     * and the class activations (null with {@link Method#GRADIENT}).
     */
    public record TensorSaliency(int batch, int size, int numClasses, float[] logits, int[][] classes,
                                 float[][] gradients, Method method, ClassActivation activations) {
        public TensorSaliency(int batch, int size, int numClasses, float[] logits, int[][] classes, float[][] gradients) {
            this(batch, size, numClasses, logits, classes, gradients, Method.GRADIENT, null);
        }

        public float logit(int sample, int cls) { return logits[sample * numClasses + cls]; }

        public float[] gradient(int rank, int sample) {
            int n = 3 * size * size;
            return Arrays.copyOfRange(gradients[rank], sample * n, (sample + 1) * n);
        }

        /** The sample's map for the class of this rank, S x S, by the method. */
        public float[] map(int rank, int sample) {
            if (method == Method.CAM) {
                return activations.map(classes[sample][rank], sample, size);
            }
            float[] map = Images.maxAbsOverChannels(gradients[rank], sample * 3 * size * size, size);
            if (method == Method.GRADIENT_CAM) {
                float[] cam = activations.map(classes[sample][rank], sample, size);
                for (int i = 0; i < map.length; i++) {
                    map[i] *= Math.max(0f, cam[i]);
                }
            }
            return map;
        }
    }

    private final ModelSpec spec;
    private final Model model;
    private final PtSymbolBlock block;
    private final Device device;
    private final int size;
    private final int numClasses;
    private int workingShortSide = 256;
    private int maxCropsPerPass = 32;
    private SmoothGrad smoothGrad = SmoothGrad.OFF;
    private boolean fullView;
    private Method method = Method.GRADIENT;
    /** The last linear layer, classes x channels, read from the model when a CAM method is first set. */
    private float[] classifierWeights;
    private NDArray classifierWeightsT;
    private NDArray classifierBias;

    private SaliencyModel(ModelSpec spec, Model model, Device device) {
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

    /** DJL reads this when the engine or a model loads: never download anything at run time. */
    static void enforceOffline() {
        System.setProperty("ai.djl.offline", "true");
    }

    /** Loads the model once; GPU 0 when the engine sees one, else CPU. */
    public static SaliencyModel load(ModelSpec spec) {
        enforceOffline();
        Engine engine = Engine.getEngine("PyTorch");
        Device device = engine.getGpuCount() > 0 ? Device.gpu() : Device.cpu();
        log.info("Loading {} on {} (PyTorch {}, offline; {} intra-op / {} inter-op threads)", spec, device,
                engine.getVersion(), JniUtils.getNumThreads(), JniUtils.getNumInteropThreads());
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
                Criteria.Builder<NDList, NDList> b = Criteria.builder()
                        .setTypes(NDList.class, NDList.class)
                        .optModelUrls(spec.modelUrl())
                        .optEngine("PyTorch")
                        .optDevice(device);
                options.forEach(b::optOption);
                model = b.build().loadModel();
            }
            return new SaliencyModel(spec, model, device);
        } catch (IOException | MalformedModelException | ModelNotFoundException | ai.djl.engine.EngineException e) {
            // EngineException: PyTorch itself refused the file (not TorchScript, truncated, wrong version).
            throw new IllegalStateException("cannot load " + spec + " (runs offline: a djl:// model must "
                    + "already be in the DJL cache; a file must be TorchScript)", e);
        }
    }

    public ModelSpec spec() { return spec; }
    public Device device() { return device; }

    /**
     * Shorter side of the working image (default 256, as in the paper). Ten crops need it at least the input size;
     * a single view resizes the whole working image to the input, so any size will do.
     */
    public SaliencyModel workingShortSide(int pixels) {
        if (pixels < 1) {
            throw new IllegalArgumentException("working image side must be positive: " + pixels);
        }
        this.workingShortSide = pixels;
        return this;
    }

    /** Upper bound on crops per forward/backward pass (memory); whole images are never split. */
    public SaliencyModel maxCropsPerPass(int crops) {
        this.maxCropsPerPass = Math.max(1, crops);
        return this;
    }

    /**
     * SmoothGrad for {@link #compute}: each crop's map becomes the mean of the maps of {@code samples} noisy copies
     * of it. The classes are still ranked on the noise-free crops (one extra forward pass without autograd), so
     * classification does not change. Costs {@code samples} times the forward and backward passes.
     */
    public SaliencyModel smoothGrad(SmoothGrad sg) {
        this.smoothGrad = sg;
        return this;
    }

    public SmoothGrad smoothGrad() { return smoothGrad; }

    /**
     * Ten-crop only: two more inputs per image, the whole working image resized to the input size and its mirror
     * image, whose maps are resized back to the working frame and averaged in as two more crops covering every
     * pixel (as each of the five windows, seen plain and mirrored, counts twice). The 10 crops see ~77% of the
     * image each; the full view sees all of the object at once. Classes are still ranked on the 10 crops alone.
     */
    public SaliencyModel fullView(boolean on) {
        this.fullView = on;
        return this;
    }

    public boolean fullView() { return fullView; }

    /**
     * The map each class gets. The CAM methods need a model that exports {@value #FEATURES_METHOD}(x) (the last
     * feature map) and ends in one linear layer over that map's spatial mean, as the bundled model does.
     */
    public SaliencyModel method(Method m) {
        if (m != Method.GRADIENT && classifierWeights == null) {
            loadClassifier();
        }
        this.method = m;
        return this;
    }

    public Method method() { return method; }

    /** Whether this model can give class activation maps (see {@link #method(Method)}). */
    public boolean hasClassActivations() {
        if (classifierWeights != null) {
            return true;
        }
        try {
            loadClassifier();
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    /**
     * Finds the last linear layer among the parameters (the 2-D one with one row per class, and its bias) and checks
     * that {@value #FEATURES_METHOD} exists and feeds it, so that a model without them fails now, with what to do.
     */
    private void loadClassifier() {
        String hint = " (the CAM methods need a TorchScript model with a '" + FEATURES_METHOD + "' method returning the "
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
            throw new IllegalStateException(spec + " has no " + numClasses + "-class linear layer among its parameters" + hint);
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
                throw new IllegalStateException(spec + ": '" + FEATURES_METHOD + "' returns " + f.getShape()
                        + ", not N x " + channels + " x h x w" + hint);
            }
            // The CAM is only the class's evidence map if the logits really are this layer over the features' mean.
            float[] spelt = f.reshape(1, channels, -1).mean(new int[] {2}).matMul(w.transpose()).add(b).toFloatArray();
            float[] logits = IValueUtils.forward(block, new NDList(x), false).singletonOrThrow().toFloatArray();
            for (int c = 0; c < numClasses; c++) {
                if (Math.abs(spelt[c] - logits[c]) > 1e-3f * Math.max(1f, Math.abs(logits[c]))) {
                    throw new IllegalStateException(spec + ": its logits are not a linear layer over the spatial mean "
                            + "of '" + FEATURES_METHOD + "' (class " + c + ": " + logits[c] + " vs " + spelt[c] + ")"
                            + hint);
                }
            }
        } catch (ai.djl.engine.EngineException e) {
            // PyTorch refused the probe (the method fails on an input, or its output does not fit the last layer):
            // the same answer as a missing method, so that the default mode can fall back instead of failing.
            throw new IllegalStateException(spec + ": '" + FEATURES_METHOD + "' failed on a " + size + "-px probe: "
                    + e.getMessage() + hint, e);
        }
        NDManager keep = model.getNDManager();
        this.classifierWeights = w.toFloatArray();
        this.classifierWeightsT = keep.create(classifierWeights, new Shape(numClasses, channels)).transpose();
        this.classifierBias = keep.create(b.toFloatArray());
    }

    /** The model's {@value #FEATURES_METHOD}(x), on x's manager; with {@code grad}, on the autograd graph. */
    private NDArray features(NDManager m, NDArray x, boolean grad) {
        // IValueUtils.runMethod runs with grad mode off; forward(..., true) keeps it on (as for the logits) and runs
        // the method named by an array called "module_method:<name>" in the list (the array itself is not an input).
        NDArray method = m.create(0f);
        method.setName("module_method:" + FEATURES_METHOD);
        return IValueUtils.forward(block, new NDList(x, method), grad).singletonOrThrow();
    }

    /** Plain inference logits (no autograd) for a batch x 3 x S x S normalised input. */
    public float[] logits(float[] input, int batch) {
        try (NDManager m = model.getNDManager().newSubManager()) {
            NDArray x = m.create(input, new Shape(batch, 3, size, size));
            return IValueUtils.forward(block, new NDList(x), false).singletonOrThrow().toFloatArray();
        }
    }

    /** Gradients of each sample's top-k logits (ranked by that sample's own logits). */
    public TensorSaliency saliency(float[] input, int batch, int topK) {
        return saliency(input, batch, 1, topK);
    }

    /** Gradients of given classes: classes[sample][rank]; every sample needs the same count. */
    public TensorSaliency saliency(float[] input, int batch, int[][] classes) {
        return run(input, batch, logits -> classes);
    }

    /** Class saliency of whole images: top-k classes each, maps in the working-image frame. */
    public List<ImageSaliency> compute(List<BufferedImage> images, int topK, Mode mode) {
        int[] none = new int[images.size()];
        Arrays.fill(none, -1);
        return compute(images, topK, none, mode);
    }

    /**
     * As {@link #compute(List, int, Mode)}, plus for image i the map of class {@code extra[i]} (-1: none),
     * e.g. the ground-truth class, appended to its classes with rank {@link #REQUESTED} even when that class
     * is also in its top-k. Same forward pass; one more backward pass when any image of a pass has an extra.
     */
    public List<ImageSaliency> compute(List<BufferedImage> images, int topK, int[] extra, Mode mode) {
        if (extra.length != images.size()) {
            throw new IllegalArgumentException("one extra class per image (-1 for none): " + extra.length
                    + " for " + images.size() + " images");
        }
        for (int e : extra) {
            if (e < -1 || e >= numClasses) {
                throw new IllegalArgumentException("class " + e + " is outside the model's 0.." + (numClasses - 1));
            }
        }
        List<ImageSaliency> out = new ArrayList<>(images.size());
        int from = 0;
        for (List<BufferedImage> pass : passes(images, mode)) {
            int[] passExtra = Arrays.copyOfRange(extra, from, from + pass.size());
            from += pass.size();
            Prepared p = prepare(pass, mode);
            out.addAll(smoothGrad.on() ? smoothGradMaps(p, topK, passExtra, smoothGrad)
                    : maps(p, saliency(p.input(), p.images(), p.cropsPerImage(), p.rankedPerImage(), topK,
                            passExtra), passExtra));
        }
        return out;
    }

    /**
     * Whole images grouped so that a pass holds at most maxCropsPerPass crops (but at least one image); with
     * SmoothGrad, each noisy copy counts as a crop.
     */
    public List<List<BufferedImage>> passes(List<BufferedImage> images, Mode mode) {
        int imagesPerPass = Math.max(1, maxCropsPerPass / (inputsPerImage(mode) * smoothGrad.samples()));
        List<List<BufferedImage>> passes = new ArrayList<>();
        for (int from = 0; from < images.size(); from += imagesPerPass) {
            passes.add(images.subList(from, Math.min(images.size(), from + imagesPerPass)));
        }
        return passes;
    }

    public static int cropsPerImage(Mode mode) {
        return mode == Mode.TEN_CROP ? TenCrop.CROPS : 1;
    }

    /** Network inputs per image: the crops, plus the full view and its mirror when on (ten-crop only). */
    public int inputsPerImage(Mode mode) {
        return cropsPerImage(mode) + (withFullView(mode) ? FULL_VIEWS : 0);
    }

    private boolean withFullView(Mode mode) {
        return fullView && mode == Mode.TEN_CROP;
    }

    /** The full view and its mirror image. */
    static final int FULL_VIEWS = 2;

    /**
     * One pass's network input: working images and their normalised crops, images x crops x 3 x S x S.
     * Apart so that a benchmark can time the tensor work alone. cropsPerImage counts every input of an image
     * (with the full view: 10 crops, then the full view and its mirror); the first rankedPerImage rank the classes.
     */
    public record Prepared(Mode mode, List<BufferedImage> working, int cropsPerImage, int rankedPerImage,
                           float[] input) {
        public int images() { return working.size(); }
        public int crops() { return working.size() * cropsPerImage; }
    }

    public Prepared prepare(List<BufferedImage> images, Mode mode) {
        if (mode == Mode.TEN_CROP && workingShortSide < size) {
            throw new IllegalArgumentException("ten crops need a working image of at least the input size " + size
                    + " (saliency.working.size is " + workingShortSide + ")");
        }
        int n = images.size();
        int crops = cropsPerImage(mode);
        int per = inputsPerImage(mode);
        int sample = 3 * size * size;
        float[] mean = spec.mean();
        float[] std = spec.std();
        List<BufferedImage> working = new ArrayList<>(n);
        float[] x = new float[n * per * sample];
        for (int i = 0; i < n; i++) {
            BufferedImage wi = Images.workingImage(images.get(i), workingShortSide);
            working.add(wi);
            if (mode == Mode.SINGLE_CROP) {
                int[] rgb = Images.rgb(Images.resize(wi, size, size));
                Images.normalise(rgb, size, 0, 0, size, false, mean, std, x, i * sample);
            } else {
                int w = wi.getWidth();
                int[] rgb = Images.rgb(wi);
                int[][] off = TenCrop.offsets(w, wi.getHeight(), size);
                for (int c = 0; c < crops; c++) {
                    Images.normalise(rgb, w, off[c][0], off[c][1], size, TenCrop.mirrored(c), mean, std,
                            x, (i * per + c) * sample);
                }
                if (per > crops) {
                    int[] full = Images.rgb(Images.resize(wi, size, size));
                    Images.normalise(full, size, 0, 0, size, false, mean, std, x, (i * per + crops) * sample);
                    Images.normalise(full, size, 0, 0, size, true, mean, std, x, (i * per + crops + 1) * sample);
                }
            }
        }
        return new Prepared(mode, List.copyOf(working), per, crops, x);
    }

    /** The tensor work of a prepared pass: one forward, one backward per rank of each image's top-k. */
    public TensorSaliency saliency(Prepared p, int topK) {
        return saliency(p.input(), p.images(), p.cropsPerImage(), p.rankedPerImage(), topK, null);
    }

    /**
     * Gradients of each image's top-k classes, ranked by the mean logit over the image's crops
     * (consecutive samples); every crop of an image uses the image's classes.
     */
    public TensorSaliency saliency(float[] input, int images, int cropsPerImage, int topK) {
        return saliency(input, images, cropsPerImage, cropsPerImage, topK, null);
    }

    /**
     * As above, ranking on the first {@code ranked} inputs of each image, with one extra class per image appended
     * after its top-k ({@code extra} null or -1: none).
     */
    private TensorSaliency saliency(float[] input, int images, int cropsPerImage, int ranked, int topK, int[] extra) {
        return run(input, images * cropsPerImage,
                logits -> classes(logits, images, cropsPerImage, ranked, topK, extra));
    }

    /**
     * Per sample, its image's top-k by the mean logit over the image's first {@code ranked} inputs, then its extra
     * class if any.
     */
    private int[][] classes(float[] logits, int images, int cropsPerImage, int ranked, int topK, int[] extra) {
        boolean anyExtra = hasExtra(extra);
        int[][] cls = new int[images * cropsPerImage][];
        for (int i = 0; i < images; i++) {
            int[] top = topK(meanLogits(logits, i, cropsPerImage, ranked), 0, numClasses, topK);
            if (anyExtra) {
                // Every sample needs a class in each backward pass; one without an extra repeats its top class.
                top = Arrays.copyOf(top, top.length + 1);
                top[top.length - 1] = extra[i] >= 0 ? extra[i] : top[0];
            }
            for (int c = 0; c < cropsPerImage; c++) {
                cls[i * cropsPerImage + c] = top;
            }
        }
        return cls;
    }

    /**
     * SmoothGrad on a prepared pass: classes from the noise-free crops' logits, then each crop's map is the mean of
     * the maps (max |gradient| over channels, Simonyan et al.'s map) of its noisy copies. The copies run in
     * sub-passes of at most maxCropsPerPass samples, so memory stays bounded however many copies are asked for.
     */
    List<ImageSaliency> smoothGradMaps(Prepared p, int topK, int[] extra, SmoothGrad sg) {
        int crops = p.crops();
        int n = sg.samples();
        int sample = 3 * size * size;
        float[] clean = logits(p.input(), crops);
        int[][] cls = classes(clean, p.images(), p.cropsPerImage(), p.rankedPerImage(), topK, extra);
        int ranks = cls[0].length;
        float[][][] sum = new float[ranks][crops][];
        int total = crops * n;
        for (int from = 0; from < total; from += maxCropsPerPass) {
            int b = Math.min(maxCropsPerPass, total - from);
            float[] x = new float[b * sample];
            int[][] c = new int[b][];
            for (int q = 0; q < b; q++) {
                int crop = (from + q) / n;
                sg.noisyCopy(p.input(), crop * sample, sample, (from + q) % n, x, q * sample);
                c[q] = cls[crop];
            }
            TensorSaliency t = run(x, b, logits -> c);
            for (int r = 0; r < ranks; r++) {
                for (int q = 0; q < b; q++) {
                    int crop = (from + q) / n;
                    float[] m = t.map(r, q);
                    if (sum[r][crop] == null) {
                        sum[r][crop] = m;
                    } else {
                        float[] acc = sum[r][crop];
                        for (int k = 0; k < m.length; k++) {
                            acc[k] += m[k];
                        }
                    }
                }
            }
        }
        for (float[][] rank : sum) {
            for (float[] m : rank) {
                for (int k = 0; k < m.length; k++) {
                    m[k] /= n;
                }
            }
        }
        return maps(p, clean, cls, (r, s) -> sum[r][s], extra);
    }

    /** A crop's map for a rank: sample = image x crops + crop. */
    private interface CropMaps {
        float[] map(int rank, int sample);
    }

    /** Mean logits over the first {@code ranked} of an image's {@code per} consecutive inputs. */
    private float[] meanLogits(float[] logits, int image, int per, int ranked) {
        float[] mean = new float[numClasses];
        for (int c = 0; c < ranked; c++) {
            int off = (image * per + c) * numClasses;
            for (int k = 0; k < numClasses; k++) {
                mean[k] += logits[off + k] / ranked;
            }
        }
        return mean;
    }

    /** Per-image maps in the working-image frame: resized back (single crop) or placed back (10-crop). */
    public List<ImageSaliency> maps(Prepared p, TensorSaliency t) {
        return maps(p, t, null);
    }

    private static boolean hasExtra(int[] extra) {
        return extra != null && Arrays.stream(extra).anyMatch(e -> e >= 0);
    }

    private List<ImageSaliency> maps(Prepared p, TensorSaliency t, int[] extra) {
        return maps(p, t.logits(), t.classes(), t::map, extra);
    }

    private List<ImageSaliency> maps(Prepared p, float[] logits, int[][] sampleClasses, CropMaps t, int[] extra) {
        boolean anyExtra = hasExtra(extra);
        int per = p.cropsPerImage();
        int crops = p.rankedPerImage();
        List<ImageSaliency> out = new ArrayList<>(p.images());
        for (int i = 0; i < p.images(); i++) {
            BufferedImage wi = p.working().get(i);
            int w = wi.getWidth();
            int h = wi.getHeight();
            float[] meanLogits = meanLogits(logits, i, per, crops);
            int[] imageClasses = sampleClasses[i * per];
            List<ClassSaliency> classes = new ArrayList<>(imageClasses.length);
            int ranked = imageClasses.length - (anyExtra ? 1 : 0);
            for (int r = 0; r < ranked + (anyExtra && extra[i] >= 0 ? 1 : 0); r++) {
                float[] map;
                if (p.mode() == Mode.SINGLE_CROP) {
                    map = Images.resizeMap(t.map(r, i), size, size, w, h);
                } else {
                    float[][] cropMaps = new float[crops][];
                    for (int c = 0; c < crops; c++) {
                        cropMaps[c] = t.map(r, i * per + c);
                    }
                    List<float[]> whole = new ArrayList<>(per - crops);
                    for (int c = crops; c < per; c++) {
                        // Inputs after the crops are the full view, then its mirror: flip that one back first.
                        float[] m = t.map(r, i * per + c);
                        whole.add(Images.resizeMap(c == crops ? m : TenCrop.flip(m, size), size, size, w, h));
                    }
                    map = TenCrop.placeBack(cropMaps, size, w, h, whole);
                }
                int cls = imageClasses[r];
                classes.add(new ClassSaliency(cls, spec.classes().get(cls), r < ranked ? r : REQUESTED,
                        meanLogits[cls], map));
            }
            out.add(new ImageSaliency(wi, List.copyOf(classes)));
        }
        return out;
    }

    /** One forward pass, then one backward pass per rank of the classes chooser picks from the logits. */
    private TensorSaliency run(float[] input, int batch, Function<float[], int[][]> chooser) {
        if (input.length != batch * 3 * size * size) {
            throw new IllegalArgumentException("input must be " + batch + " x 3 x " + size + " x " + size);
        }
        synchronized (AUTOGRAD) {
            try (NDManager m = model.getNDManager().newSubManager();
                 GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray x = m.create(input, new Shape(batch, 3, size, size));
                x.setRequiresGradient(method != Method.CAM);
                NDArray out;
                ClassActivation activations = null;
                if (method == Method.GRADIENT) {
                    // Straight to the module with autograd on: PtSymbolBlock.forward(training=true) would
                    // also switch the module to train mode.
                    out = IValueUtils.forward(block, new NDList(x), true).singletonOrThrow();
                } else {
                    // The module's own forward, spelt out: logits = mean(features) W^T + b, so that the one
                    // forward pass gives both the CAM's features and the logits the gradient starts from.
                    // The CAM alone needs no autograd: the forward pass then runs without recording a graph.
                    NDArray f = features(m, x, method != Method.CAM);
                    Shape fs = f.getShape();
                    // DJL's PyTorch mean takes one axis: flatten the positions first.
                    out = f.reshape(fs.get(0), fs.get(1), -1).mean(new int[] {2})
                            .matMul(classifierWeightsT).add(classifierBias);
                    activations = new ClassActivation(f.toFloatArray(), batch, (int) fs.get(1), (int) fs.get(2),
                            (int) fs.get(3), classifierWeights);
                }
                float[] logits = out.toFloatArray();
                int[][] classes = chooser.apply(logits);
                int k = method == Method.CAM || classes.length == 0 ? 0 : classes[0].length;
                float[][] grads = new float[k][];
                for (int r = 0; r < k; r++) {
                    // Backward of sum_i S_{c_ir}: the vector-Jacobian product with a one-hot mask.
                    float[] mask = new float[batch * numClasses];
                    for (int i = 0; i < batch; i++) {
                        mask[i * numClasses + classes[i][r]] = 1f;
                    }
                    NDArray seed = m.create(mask, out.getShape());
                    JniUtils.backward((PtNDArray) out, (PtNDArray) seed, r < k - 1, false);
                    grads[r] = x.getGradient().toFloatArray();
                    JniUtils.zeroGrad((PtNDArray) x); // .grad accumulates across passes
                }
                return new TensorSaliency(batch, size, numClasses, logits, classes, method == Method.CAM ? null : grads,
                        method, activations);
            }
        }
    }

    /** Indices of the k largest values of v[off..off+len), largest first. */
    static int[] topK(float[] v, int off, int len, int k) {
        Integer[] idx = new Integer[len];
        for (int i = 0; i < len; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (a, b) -> Float.compare(v[off + b], v[off + a]));
        int[] top = new int[Math.min(k, len)];
        for (int i = 0; i < top.length; i++) {
            top[i] = idx[i];
        }
        return top;
    }

    PtSymbolBlock block() { return block; }
    Model djlModel() { return model; }

    @Override
    public void close() {
        if (classifierWeightsT != null) {
            classifierWeightsT.close();
            classifierBias.close();
        }
        model.close();
    }
}
