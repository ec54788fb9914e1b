package org.wsol.saliency.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * What a classifier is and how to feed it: a TorchScript file or a DJL model-zoo URL, class names,
 * square input size and per-channel mean/std (x = (pixel/255 - mean)/std, RGB, N x 3 x S x S).
 *
 * <p>Read from a JSON sidecar with the keys of the bundled {@code model.json}: {@code input_size},
 * {@code mean}, {@code std}, plus optional {@code model} (file relative to the sidecar, absolute
 * path or {@code djl://} URL; default {@code model.pt}), {@code classes} (one label a line; default
 * {@code imagenet_classes.txt}) and {@code model_id} (default: the sidecar's folder name).
 */
public final class ModelSpec {

  static final String BUNDLED = "org/wsol/saliency/model/mobilenet_v2_imagenet/";
  private static final String[] BUNDLED_FILES = {"model.json", "imagenet_classes.txt", "LICENSE"};

  private final String modelId;
  private final Path modelPath;
  private final String modelUrl;
  private final List<String> classes;
  private final int inputSize;
  private final float[] mean;
  private final float[] std;

  public ModelSpec(
      String modelId,
      Path modelPath,
      String modelUrl,
      List<String> classes,
      int inputSize,
      float[] mean,
      float[] std) {
    if ((modelPath == null) == (modelUrl == null)) {
      throw new IllegalArgumentException("give exactly one of a model path or a djl:// URL");
    }
    if (mean.length != 3 || std.length != 3) {
      throw new IllegalArgumentException("mean and std need 3 values (R, G, B)");
    }
    this.modelId = Objects.requireNonNull(modelId);
    this.modelPath = modelPath;
    this.modelUrl = modelUrl;
    this.classes = List.copyOf(classes);
    this.inputSize = inputSize;
    this.mean = mean.clone();
    this.std = std.clone();
  }

  /**
   * The same model fed square inputs of {@code pixels} a side. A fully convolutional classifier
   * (global average pooling before its last layer) takes any size; a larger input gives a finer
   * last feature map.
   */
  public ModelSpec withInputSize(int pixels) {
    if (pixels < 32)
      throw new IllegalArgumentException("input size must be at least 32 pixels: " + pixels);
    return new ModelSpec(modelId, modelPath, modelUrl, classes, pixels, mean, std);
  }

  /** Reads a sidecar; relative file names are resolved against its folder. */
  public static ModelSpec fromJson(Path json) {
    Path dir = json.toAbsolutePath().getParent();
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(json.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read model sidecar " + json, e);
    }
    String model = root.path("model").asText("model.pt");
    String id = root.path("model_id").asText(dir.getFileName().toString());
    Path classesFile = dir.resolve(root.path("classes").asText("imagenet_classes.txt"));
    List<String> classes;
    try {
      classes =
          Files.readAllLines(classesFile, StandardCharsets.UTF_8).stream()
              .filter(l -> !l.isBlank())
              .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read class names "
              + classesFile
              + " (set \"classes\" in "
              + json
              + " to a file with one label a line)",
          e);
    }
    int size = root.path("input_size").asInt(224);
    float[] mean = floats(root.path("mean"), json);
    float[] std = floats(root.path("std"), json);
    if (model.startsWith("djl://")) {
      return new ModelSpec(id, null, model, classes, size, mean, std);
    }
    Path modelPath = dir.resolve(model);
    if (!Files.isRegularFile(modelPath)) {
      throw new IllegalStateException(
          "model file not found: "
              + modelPath
              + ". Put the TorchScript file there, or set \"model\" in "
              + json
              + " to its path (or a djl:// URL), or use the bundled model (saliency.model=bundled).");
    }
    return new ModelSpec(id, modelPath, null, classes, size, mean, std);
  }

  private static float[] floats(JsonNode node, Path json) {
    if (!node.isArray() || node.size() != 3) {
      throw new IllegalArgumentException(json + ": mean and std must be arrays of 3 numbers");
    }
    return new float[] {
      (float) node.get(0).asDouble(), (float) node.get(1).asDouble(), (float) node.get(2).asDouble()
    };
  }

  /**
   * The shipped MobileNetV2. DJL needs a file, so the classpath copy is extracted once to {@code
   * ${java.io.tmpdir}/wsol-models/<sha256 of model.pt>/} (content-addressed, so a stale or foreign
   * copy is never reused).
   */
  public static synchronized ModelSpec bundledDefault() {
    try {
      byte[] model = resource("model.pt");
      String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(model));
      Path dir = Paths.get(System.getProperty("java.io.tmpdir"), "wsol-models", sha);
      Files.createDirectories(dir);
      write(dir.resolve("model.pt"), model);
      for (String f : BUNDLED_FILES) {
        write(dir.resolve(f), resource(f));
      }
      ModelSpec s = fromJson(dir.resolve("model.json"));
      return new ModelSpec(
          "mobilenet_v2_imagenet", s.modelPath, null, s.classes, s.inputSize, s.mean, s.std);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot extract the bundled model", e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = ModelSpec.class.getClassLoader().getResourceAsStream(BUNDLED + name)) {
      if (in == null) {
        throw new IOException("classpath resource missing: " + BUNDLED + name);
      }
      return in.readAllBytes();
    }
  }

  /** Write-then-rename so that a concurrent process never sees a half-written file. */
  private static void write(Path target, byte[] bytes) throws IOException {
    if (Files.isRegularFile(target) && Files.size(target) == bytes.length) {
      return;
    }
    Path tmp = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".part");
    Files.write(tmp, bytes);
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  public String modelId() {
    return modelId;
  }

  /** TorchScript file, or null when {@link #modelUrl()} is set. */
  public Path modelPath() {
    return modelPath;
  }

  /** DJL model-zoo URL ({@code djl://...}), or null. */
  public String modelUrl() {
    return modelUrl;
  }

  public List<String> classes() {
    return classes;
  }

  public int inputSize() {
    return inputSize;
  }

  public float[] mean() {
    return mean.clone();
  }

  public float[] std() {
    return std.clone();
  }

  @Override
  public String toString() {
    return modelId
        + " ("
        + (modelPath != null ? modelPath : modelUrl)
        + ", "
        + classes.size()
        + " classes, "
        + inputSize
        + "px)";
  }
}
