package org.wsol.cli;

import java.nio.file.Path;
import java.util.List;
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
    description = {"Draws what the model sees as a class (the paper's section 2) and writes it as a PNG.",
        "Class model visualisation: gradient ascent on the input image to maximise S_c(I) - lambda*||I||^2 from a",
        "zero image, then adding the mean image."})
class VisualizeCommand implements Callable<Integer> {
  @Mixin SettingsOptions config;

  @Option(names = {"-c", "--class"}, required = true, paramLabel = "CLASS", description = "class index, or its whole name or one whole synonym (any case), e.g. 'goose' or 99; a part of a name, or a name several classes share, is refused with the candidates")
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
      int c = ClassNames.resolve(classes, classArg);
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
}
