package org.wsol.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import org.wsol.common.config.Settings;
import org.wsol.saliency.model.ClassModelVisualizer;
import org.wsol.saliency.model.SaliencyModel;
import org.wsol.saliency.service.SaliencyService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "visualize", mixinStandardHelpOptions = true,
    description = {"Class model visualisation (the paper's section 2): gradient ascent on the input image to",
        "maximise S_c(I) - lambda*||I||^2 from a zero image, then adding the mean image. Writes a PNG."})
class VisualizeCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;

  @Option(names = {"-c", "--class"}, required = true, paramLabel = "CLASS", description = "class index, or (part of) its name, e.g. 'goose' or 99")
  String classArg;

  @Option(names = "--steps", defaultValue = "200", description = "gradient-ascent steps (default ${DEFAULT-VALUE})")
  int steps;

  @Option(names = "--lambda", defaultValue = "0.0005", description = "L2 weight lambda (default ${DEFAULT-VALUE})")
  float lambda;

  @Option(names = "--lr", defaultValue = "1.0", description = "learning rate (default ${DEFAULT-VALUE})")
  float lr;

  @Option(names = {"-o", "--out"}, paramLabel = "FILE", description = "PNG to write (default: class-<index>.png)")
  Path out;

  @Override
  public Integer call() throws Exception {
    Settings s = config.settings();
    try (SaliencyModel model = SaliencyModel.load(SaliencyService.modelSpec(s.get("saliency.model")))) {
      List<String> classes = model.spec().classes();
      int c = classIndex(classes, classArg);
      System.err.printf("class %d (%s): %d steps, lambda=%s, lr=%s%n", c, classes.get(c), steps, lambda, lr);
      ClassModelVisualizer.Result r = new ClassModelVisualizer(model).steps(steps).lambda(lambda).learningRate(lr)
          .visualize(c);
      float[] scores = r.scores();
      System.err.printf("class score: %.2f at step 1 -> %.2f at step %d%n", scores[0], scores[scores.length - 1],
          scores.length);
      Path file = out != null ? out : Path.of("class-" + c + ".png");
      ImageIO.write(r.image(), "png", file.toFile());
      System.out.println(file.toAbsolutePath());
    }
    return 0;
  }

  static int classIndex(List<String> classes, String arg) {
    if (arg.matches("\\d+")) {
      int i = Integer.parseInt(arg);
      if (i < 0 || i >= classes.size()) {
        throw new IllegalArgumentException("class index " + i + " is outside 0.." + (classes.size() - 1));
      }
      return i;
    }
    String want = arg.toLowerCase(Locale.ROOT);
    for (int i = 0; i < classes.size(); i++) {
      for (String name : classes.get(i).split(",")) {
        if (name.trim().toLowerCase(Locale.ROOT).equals(want)) {
          return i;
        }
      }
    }
    for (int i = 0; i < classes.size(); i++) {
      if (classes.get(i).toLowerCase(Locale.ROOT).contains(want)) {
        return i;
      }
    }
    throw new IllegalArgumentException("no class named '" + arg + "': give an index 0.." + (classes.size() - 1)
        + " or a name from the model's class list");
  }
}
