package org.wsol.saliency.model;

import ai.djl.Device;
import ai.djl.pytorch.engine.PtSymbolBlock;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Class saliency maps of whole images from a TorchScript classifier, composed of the parts that do
 * the work. Each class's map is computed by one {@link SaliencyMethod}: the gradient map of
 * Simonyan, Vedaldi &amp; Zisserman 2014 (section 3: for class c with score S_c, the logit before
 * softmax, w = dS_c/dI at the normalised input I, and M_ij = max_c |w_cij|), the class activation
 * map of Zhou et al. 2016, or the gradient map gated by the class activation map.
 *
 * <p>For a list of images, {@link #compute}: resizes each to the working image (shorter side {@link
 * #workingShortSide}) and cuts its network inputs ({@link CropInputs}: a single view of the whole
 * image, or the paper's 10 crops, optionally with the full view and its mirror); groups whole
 * images into passes of at most {@link #maxCropsPerPass} inputs; per pass runs one forward pass for
 * all logits, ranks each image's top-k classes by the mean logit over its crops, and runs one
 * backward pass per rank for the whole batch ({@link TorchScriptClassifier}), plus one for a class
 * the caller asks for (e.g. the ground truth, rank {@link #REQUESTED}); optionally averages each
 * crop's map over noisy copies ({@link SmoothGrad}); and assembles each class's map in the
 * working-image frame ({@link MapAssembly}). {@link #prepare}, {@link #saliency(Prepared, int)} and
 * {@link #maps} expose those steps apart for the benchmarks.
 *
 * <p>Thread-safe; autograd passes are serialised (DJL allows one gradient collector at a time).
 */
public final class SaliencyModel implements AutoCloseable {

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

  /**
   * TorchScript method that returns the last feature map (see
   * services/saliency/src/main/python/add_cam_method.py).
   */
  static final String FEATURES_METHOD = TorchScriptClassifier.FEATURES_METHOD;

  /** Rank of a class that was asked for by the caller rather than ranked by the model. */
  public static final int REQUESTED = -1;

  /**
   * One class of one image: its rank in the top-k (0 = top; {@link #REQUESTED} for a class the
   * caller asked for), logit and saliency map (working-image size).
   */
  public record ClassSaliency(int index, String label, int rank, float logit, float[] map) {}

  /** The working image (shorter side 256 by default) and its top-k classes with maps. */
  public record ImageSaliency(BufferedImage workingImage, List<ClassSaliency> classes) {
    public int width() {
      return workingImage.getWidth();
    }

    public int height() {
      return workingImage.getHeight();
    }

    public int[] rgb() {
      return CropInputs.rgb(workingImage);
    }
  }

  private final TorchScriptClassifier classifier;
  private final CropInputs inputs;
  private final MapAssembly assembly;
  private final int numClasses;
  private int workingShortSide = 256;
  private int maxCropsPerPass = 32;
  private SmoothGrad smoothGrad = SmoothGrad.OFF;
  private boolean fullView;
  private SaliencyMethod method = SaliencyMethod.GRADIENT;

  private SaliencyModel(TorchScriptClassifier classifier) {
    ModelSpec spec = classifier.spec();
    this.classifier = classifier;
    this.numClasses = spec.classes().size();
    this.inputs = new CropInputs(spec.inputSize(), spec.mean(), spec.std());
    this.assembly = new MapAssembly(spec.inputSize(), spec.classes());
  }

  /** DJL reads this when the engine or a model loads: never download anything at run time. */
  static void enforceOffline() {
    TorchScriptClassifier.enforceOffline();
  }

  /** Loads the model once; GPU 0 when the engine sees one, else CPU. */
  public static SaliencyModel load(ModelSpec spec) {
    return new SaliencyModel(TorchScriptClassifier.load(spec));
  }

  public ModelSpec spec() {
    return classifier.spec();
  }

  public Device device() {
    return classifier.device();
  }

  /**
   * Shorter side of the working image (default 256, as in the paper). Ten crops need it at least
   * the input size; a single view resizes the whole working image to the input, so any size will
   * do.
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
   * SmoothGrad for {@link #compute}: each crop's map becomes the mean of the maps of {@code
   * samples} noisy copies of it. The classes are still ranked on the noise-free crops (one extra
   * forward pass without autograd), so classification does not change. Costs {@code samples} times
   * the forward and backward passes.
   */
  public SaliencyModel smoothGrad(SmoothGrad sg) {
    this.smoothGrad = sg;
    return this;
  }

  public SmoothGrad smoothGrad() {
    return smoothGrad;
  }

  /**
   * Ten-crop only: two more inputs per image, the whole working image resized to the input size and
   * its mirror image, whose maps are resized back to the working frame and averaged in as two more
   * crops covering every pixel (as each of the five windows, seen plain and mirrored, counts
   * twice). The 10 crops see ~77% of the image each; the full view sees all of the object at once.
   * Classes are still ranked on the 10 crops alone.
   */
  public SaliencyModel fullView(boolean on) {
    this.fullView = on;
    return this;
  }

  public boolean fullView() {
    return fullView;
  }

  /**
   * The map each class gets. The CAM methods need a model that exports {@value #FEATURES_METHOD}(x)
   * (the last feature map) and ends in one linear layer over that map's spatial mean, as the
   * bundled model does.
   */
  public SaliencyModel method(SaliencyMethod m) {
    if (m != SaliencyMethod.GRADIENT && !classifier.classActivationsLoaded()) {
      classifier.loadClassActivations();
    }
    this.method = m;
    return this;
  }

  public SaliencyMethod method() {
    return method;
  }

  /** Whether this model can give class activation maps (see {@link #method(SaliencyMethod)}). */
  public boolean hasClassActivations() {
    if (classifier.classActivationsLoaded()) {
      return true;
    }
    try {
      classifier.loadClassActivations();
      return true;
    } catch (IllegalStateException e) {
      return false;
    }
  }

  /** Plain inference logits (no autograd) for a batch x 3 x S x S normalised input. */
  public float[] logits(float[] input, int batch) {
    return classifier.logits(input, batch);
  }

  /** Gradients of each sample's top-k logits (ranked by that sample's own logits). */
  public TensorSaliency saliency(float[] input, int batch, int topK) {
    return saliency(input, batch, 1, topK);
  }

  /** Gradients of given classes: classes[sample][rank]; every sample needs the same count. */
  public TensorSaliency saliency(float[] input, int batch, int[][] classes) {
    return classifier.run(input, batch, method, logits -> classes);
  }

  /** Class saliency of whole images: top-k classes each, maps in the working-image frame. */
  public List<ImageSaliency> compute(List<BufferedImage> images, int topK, Mode mode) {
    int[] none = new int[images.size()];
    Arrays.fill(none, -1);
    return compute(images, topK, none, mode);
  }

  /**
   * As {@link #compute(List, int, Mode)}, plus for image i the map of class {@code extra[i]} (-1:
   * none), e.g. the ground-truth class, appended to its classes with rank {@link #REQUESTED} even
   * when that class is also in its top-k. Same forward pass; one more backward pass when any image
   * of a pass has an extra.
   */
  public List<ImageSaliency> compute(List<BufferedImage> images, int topK, int[] extra, Mode mode) {
    if (extra.length != images.size()) {
      throw new IllegalArgumentException(
          "one extra class per image (-1 for none): "
              + extra.length
              + " for "
              + images.size()
              + " images");
    }
    for (int e : extra) {
      if (e < -1 || e >= numClasses) {
        throw new IllegalArgumentException(
            "class " + e + " is outside the model's 0.." + (numClasses - 1));
      }
    }
    List<ImageSaliency> out = new ArrayList<>(images.size());
    int from = 0;
    for (List<BufferedImage> pass : passes(images, mode)) {
      int[] passExtra = Arrays.copyOfRange(extra, from, from + pass.size());
      from += pass.size();
      Prepared p = prepare(pass, mode);
      out.addAll(
          smoothGrad.on()
              ? smoothGradMaps(p, topK, passExtra, smoothGrad)
              : maps(
                  p,
                  saliency(
                      p.input(),
                      p.images(),
                      p.cropsPerImage(),
                      p.rankedPerImage(),
                      topK,
                      passExtra),
                  passExtra));
    }
    return out;
  }

  /**
   * Whole images grouped so that a pass holds at most maxCropsPerPass crops (but at least one
   * image); with SmoothGrad, each noisy copy counts as a crop.
   */
  public List<List<BufferedImage>> passes(List<BufferedImage> images, Mode mode) {
    int imagesPerPass =
        Math.max(1, maxCropsPerPass / (inputsPerImage(mode) * smoothGrad.samples()));
    List<List<BufferedImage>> passes = new ArrayList<>();
    for (int from = 0; from < images.size(); from += imagesPerPass) {
      passes.add(images.subList(from, Math.min(images.size(), from + imagesPerPass)));
    }
    return passes;
  }

  public static int cropsPerImage(Mode mode) {
    return CropInputs.cropsPerImage(mode);
  }

  /**
   * Network inputs per image: the crops, plus the full view and its mirror when on (ten-crop only).
   */
  public int inputsPerImage(Mode mode) {
    return CropInputs.inputsPerImage(mode, fullView);
  }

  /** The full view and its mirror image. */
  static final int FULL_VIEWS = CropInputs.FULL_VIEWS;

  /**
   * One pass's network input: working images and their normalised crops, images x crops x 3 x S x
   * S. Apart so that a benchmark can time the tensor work alone. cropsPerImage counts every input
   * of an image (with the full view: 10 crops, then the full view and its mirror); the first
   * rankedPerImage rank the classes.
   */
  public record Prepared(
      Mode mode,
      List<BufferedImage> working,
      int cropsPerImage,
      int rankedPerImage,
      float[] input) {
    public int images() {
      return working.size();
    }

    public int crops() {
      return working.size() * cropsPerImage;
    }
  }

  public Prepared prepare(List<BufferedImage> images, Mode mode) {
    return inputs.prepare(images, mode, workingShortSide, fullView);
  }

  /**
   * The tensor work of a prepared pass: one forward, one backward per rank of each image's top-k.
   */
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
   * As above, ranking on the first {@code ranked} inputs of each image, with one extra class per
   * image appended after its top-k ({@code extra} null or -1: none).
   */
  private TensorSaliency saliency(
      float[] input, int images, int cropsPerImage, int ranked, int topK, int[] extra) {
    return classifier.run(
        input,
        images * cropsPerImage,
        method,
        logits -> assembly.classes(logits, images, cropsPerImage, ranked, topK, extra));
  }

  /** SmoothGrad on a prepared pass (see {@link SmoothGrad#maps}). */
  List<ImageSaliency> smoothGradMaps(Prepared p, int topK, int[] extra, SmoothGrad sg) {
    return sg.maps(p, topK, extra, classifier, assembly, method, maxCropsPerPass);
  }

  /**
   * Per-image maps in the working-image frame: resized back (single crop) or placed back (10-crop).
   */
  public List<ImageSaliency> maps(Prepared p, TensorSaliency t) {
    return maps(p, t, null);
  }

  private List<ImageSaliency> maps(Prepared p, TensorSaliency t, int[] extra) {
    return assembly.maps(p, t.logits(), t.classes(), t::map, extra);
  }

  /** Indices of the k largest values of v[off..off+len), largest first. */
  static int[] topK(float[] v, int off, int len, int k) {
    return MapAssembly.topK(v, off, len, k);
  }

  PtSymbolBlock block() {
    return classifier.block();
  }

  ai.djl.Model djlModel() {
    return classifier.djlModel();
  }

  @Override
  public void close() {
    classifier.close();
  }
}
