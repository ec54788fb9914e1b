package org.wsol.cli;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.IntConsumer;
import javax.imageio.ImageIO;
import org.wsol.common.config.Settings;
import org.wsol.saliency.model.ClassModelVisualizer;
import org.wsol.saliency.model.ModelSpec;
import org.wsol.saliency.model.SaliencyModel;
import org.wsol.saliency.service.SaliencyConfig;
import org.wsol.saliency.visualize.AugmentationCheck;
import org.wsol.saliency.visualize.ClassScore;
import org.wsol.saliency.visualize.PriorVisualizer;
import org.wsol.saliency.visualize.Priors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "visualize",
    mixinStandardHelpOptions = true,
    description = {
      "Draws what the model sees as a class (the paper's section 2) and writes it as a PNG.",
      "Gradient ascent on the input image to maximise the class score S_c(I). --prior paper is the paper's method:",
      "S_c(I) - lambda*||I||^2 from a zero image, then the mean image added. The default, --prior readable, adds",
      "the priors of Olah et al. 2017 and Yosinski et al. 2015 (each can be switched): a Fourier parameterisation,",
      "decorrelated colour, random jitter/scale/rotation each step, and optionally blur, total variation, L2 and",
      "clipping. --classes draws several classes as one labelled contact sheet; --check measures how many random",
      "views of each picture (crop, flip, blur, brightness) keep the class in the model's top 5."
    })
class VisualizeCommand implements Callable<Integer> {
  enum Prior {
    paper,
    readable
  }

  @Mixin SettingsOptions config;

  @Option(
      names = {"-c", "--class"},
      paramLabel = "CLASS",
      description =
          "class index, or its whole name or one whole synonym (any case), e.g. 'goose' or 99; a part of a name, or a name several classes share, is refused with the candidates")
  String classArg;

  @Option(
      names = "--classes",
      split = ",",
      paramLabel = "CLASS",
      description =
          "several classes, comma-separated (names as for --class): one contact sheet with a labelled tile each")
  List<String> classList;

  @Option(
      names = "--prior",
      defaultValue = "readable",
      split = ",",
      description =
          "paper (L2 only, zero start, mean added) or readable (default ${DEFAULT-VALUE}); both, comma-separated, draw each class under each prior and write one sheet per prior")
  List<Prior> priorList;

  @Option(
      names = "--steps",
      description = "gradient-ascent steps (default: 200 for paper, 128 for readable)")
  Integer steps;

  @Option(
      names = "--lambda",
      defaultValue = "0.0005",
      description = "paper: L2 weight lambda (default ${DEFAULT-VALUE})")
  float lambda;

  @Option(
      names = "--lr",
      description =
          "learning rate (default: 1.0 for paper's plain steps, 0.05 for readable's Adam)")
  Float lr;

  @Option(
      names = "--fourier",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description =
          "readable: optimise 1/f-scaled cosine coefficients, not pixels (default ${DEFAULT-VALUE})")
  boolean fourier;

  @Option(
      names = "--decorrelate",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description = "readable: optimise in decorrelated colour (default ${DEFAULT-VALUE})")
  boolean decorrelate;

  @Option(
      names = "--jitter",
      defaultValue = "8",
      description = "readable: random shift up to N px each step (default ${DEFAULT-VALUE})")
  int jitter;

  @Option(
      names = "--scale",
      defaultValue = "0.1",
      description = "readable: random scale 1 +- S each step (default ${DEFAULT-VALUE})")
  double scale;

  @Option(
      names = "--rotate",
      defaultValue = "10",
      description = "readable: random rotation up to DEG each step (default ${DEFAULT-VALUE})")
  double rotate;

  @Option(
      names = "--blur",
      defaultValue = "0",
      paramLabel = "SIGMA",
      description =
          "readable: Gaussian blur of SIGMA px every --blur-every steps (default ${DEFAULT-VALUE}: off)")
  double blur;

  @Option(
      names = "--blur-every",
      defaultValue = "4",
      description = "readable: steps between blurs (default ${DEFAULT-VALUE})")
  int blurEvery;

  @Option(
      names = "--tv",
      defaultValue = "0",
      description = "readable: total-variation weight (default ${DEFAULT-VALUE}: off)")
  double tv;

  @Option(
      names = "--l2",
      defaultValue = "0",
      description = "readable: L2 weight on the normalised image (default ${DEFAULT-VALUE}: off)")
  double l2;

  @Option(
      names = "--clip-norm",
      defaultValue = "0",
      paramLabel = "PCT",
      description =
          "readable with --no-fourier: grey out the PCT%% of pixels with the smallest norm each step (default ${DEFAULT-VALUE})")
  double clipNorm;

  @Option(
      names = "--clip-contribution",
      defaultValue = "0",
      paramLabel = "PCT",
      description =
          "readable with --no-fourier: grey out the PCT%% of pixels contributing least to the score (default ${DEFAULT-VALUE})")
  double clipContribution;

  @Option(
      names = "--seed",
      defaultValue = "1",
      description = "random seed of the start, the jitter and the check (default ${DEFAULT-VALUE})")
  long seed;

  @Option(
      names = "--check",
      defaultValue = "0",
      paramLabel = "VIEWS",
      description =
          "classify VIEWS random views of each picture (crop+resize, flip, blur, brightness) and print the share keeping the class in the top 5 (default ${DEFAULT-VALUE}: off)")
  int checkViews;

  @Option(
      names = "--columns",
      defaultValue = "5",
      description = "tiles per row of the contact sheet (default ${DEFAULT-VALUE})")
  int columns;

  @Option(names = "--progress", description = "show a progress bar on stderr")
  boolean progress;

  @Option(
      names = {"-o", "--out"},
      paramLabel = "FILE",
      description = "PNG to write (default: class-<index>.png, or class-models.png for --classes)")
  Path out;

  @Override
  public Integer call() throws Exception {
    if ((classArg == null) == (classList == null)) {
      throw new picocli.CommandLine.ParameterException(
          new picocli.CommandLine(this), "name one class with --class or several with --classes");
    }
    if (steps != null && steps < 1) {
      throw new IllegalArgumentException("--steps must be at least 1, not " + steps);
    }
    List<Prior> priorsToDraw = priorList.stream().distinct().toList();
    Priors priors = priors();
    Settings s = config.settings();
    try (SaliencyModel model = SaliencyModel.load(SaliencyConfig.from(s).sidecar())) {
      ModelSpec spec = model.spec();
      List<String> names = spec.classes();
      List<Integer> wanted = new ArrayList<>();
      for (String a : classArg != null ? List.of(classArg) : classList) {
        wanted.add(ClassNames.resolve(names, a));
      }
      for (Prior prior : priorsToDraw) {
        System.err.println(
            prior == Prior.paper
                ? String.format(
                    Locale.ROOT,
                    "prior paper: %d steps, lambda=%s, lr=%s",
                    steps(prior),
                    lambda,
                    paperLr())
                : "prior readable: " + steps(prior) + " steps, " + priors.describe());
      }
      int total = priorsToDraw.stream().mapToInt(this::steps).sum() * wanted.size();
      Progress bar = progress ? new Progress("steps", total) : null;
      IntConsumer step = bar == null ? i -> {} : i -> bar.step();
      AugmentationCheck check =
          new AugmentationCheck(model::logits, spec.inputSize(), spec.mean(), spec.std());
      List<List<ContactSheet.Tile>> tiles = new ArrayList<>();
      int[] kept = new int[priorsToDraw.size()];
      int[] views = new int[priorsToDraw.size()];
      priorsToDraw.forEach(p -> tiles.add(new ArrayList<>()));
      for (int c : wanted) {
        for (int k = 0; k < priorsToDraw.size(); k++) {
          Prior prior = priorsToDraw.get(k);
          BufferedImage img =
              prior == Prior.paper
                  ? paper(model, c, steps(prior), step)
                  : readable(model, c, steps(prior), priors, step);
          String label = shortName(names.get(c));
          if (checkViews > 0) {
            AugmentationCheck.Outcome o = check.check(img, c, checkViews, seed);
            kept[k] += o.kept();
            views[k] += o.views();
            System.err.printf(
                Locale.ROOT,
                "prior %s, class %d (%s): %d/%d views keep it in the top %d%n",
                prior,
                c,
                label,
                o.kept(),
                o.views(),
                AugmentationCheck.TOP);
            label += String.format(Locale.ROOT, " (%d/%d)", o.kept(), o.views());
          }
          tiles.get(k).add(new ContactSheet.Tile(img, label));
        }
        // Rewritten after each class, so that an interrupted long run keeps what it drew.
        write(priorsToDraw, tiles, wanted.get(0));
      }
      for (int k = 0; k < priorsToDraw.size(); k++) {
        if (checkViews > 0) {
          System.out.printf(
              Locale.ROOT,
              "augmentation check, prior %s: %d/%d views (%.1f%%) keep the class in the "
                  + "top %d%n",
              priorsToDraw.get(k),
              kept[k],
              views[k],
              100.0 * kept[k] / views[k],
              AugmentationCheck.TOP);
        }
        System.out.println(
            output(k == 0 ? null : priorsToDraw.get(k).name(), wanted.get(0)).toAbsolutePath());
      }
    }
    return 0;
  }

  private void write(List<Prior> priorsToDraw, List<List<ContactSheet.Tile>> tiles, int firstClass)
      throws java.io.IOException {
    for (int k = 0; k < priorsToDraw.size(); k++) {
      Path file = output(k == 0 ? null : priorsToDraw.get(k).name(), firstClass);
      List<ContactSheet.Tile> drawn = tiles.get(k);
      BufferedImage picture =
          classArg != null ? drawn.get(0).image() : ContactSheet.draw(drawn, columns);
      ImageIO.write(picture, "png", file.toFile());
    }
  }

  private int steps(Prior prior) {
    return steps != null ? steps : prior == Prior.paper ? 200 : 128;
  }

  /** The PNG for the first prior, or another prior's with "-<prior>" before ".png". */
  private Path output(String suffix, int firstClass) {
    Path file =
        out != null
            ? out
            : Path.of(classArg != null ? "class-" + firstClass + ".png" : "class-models.png");
    if (suffix == null) {
      return file;
    }
    String name = file.getFileName().toString();
    int dot = name.toLowerCase(Locale.ROOT).endsWith(".png") ? name.length() - 4 : name.length();
    return file.resolveSibling(name.substring(0, dot) + "-" + suffix + name.substring(dot));
  }

  private float paperLr() {
    return lr != null ? lr : 1.0f;
  }

  /** The paper's method, unchanged: {@link ClassModelVisualizer}. */
  private BufferedImage paper(SaliencyModel model, int c, int n, IntConsumer step) {
    ClassModelVisualizer.Result r =
        new ClassModelVisualizer(model)
            .steps(n)
            .lambda(lambda)
            .learningRate(paperLr())
            .visualize(c);
    float[] scores = r.scores();
    System.err.printf(
        Locale.ROOT,
        "class %d: score %.2f at step 1 -> %.2f at step %d%n",
        c,
        scores[0],
        scores[scores.length - 1],
        scores.length);
    for (int i = 1; i <= n; i++) {
      step.accept(i); // the paper's loop has no hook: the bar moves once it is done
    }
    return r.image();
  }

  private BufferedImage readable(
      SaliencyModel model, int c, int n, Priors priors, IntConsumer step) {
    ModelSpec spec = model.spec();
    PriorVisualizer.Result r =
        new PriorVisualizer(ClassScore.logit(model, c), spec.mean(), spec.std(), priors, seed)
            .visualize(n, step);
    System.err.printf(
        Locale.ROOT,
        "class %d: score %.2f -> %.2f after %d steps%n",
        c,
        r.scoreBefore(),
        r.scoreAfter(),
        n);
    return r.image();
  }

  Priors priors() {
    return new Priors(
        fourier,
        decorrelate,
        jitter,
        scale,
        rotate,
        blur,
        blurEvery,
        tv,
        l2,
        clipNorm,
        clipContribution,
        lr != null ? lr : 0.05);
  }

  /** The first synonym of a label ("goose" of "goose"; "tench" of "tench, Tinca tinca"). */
  static String shortName(String label) {
    return Arrays.stream(label.split(",")).map(String::trim).findFirst().orElse(label);
  }
}
