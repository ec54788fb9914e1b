package org.wsol.cli.bench;

import org.wsol.saliency.model.SaliencyModel;
import org.wsol.saliency.model.SaliencyModel.Mode;

/**
 * One kind of work: a model set up for it, how images become inputs, classes per image; ranked: in
 * the ratio.
 */
record SaliencyWork(String label, SaliencyModel model, Mode mode, int topK, boolean ranked) {
  String torchMethod() {
    return switch (model.method()) {
      case CAM -> "cam";
      case GRADIENT -> "gradient";
      case GRADIENT_CAM -> null; // not spelt out on the PyTorch side
    };
  }
}
