package org.wsol.saliency.visualize;

import org.wsol.saliency.model.SaliencyModel;
import org.wsol.saliency.model.TensorSaliency;

/** What the ascent climbs: one class's score of a normalised 3 x S x S input, with its gradient. */
public interface ClassScore {

  /** The score and dS/d(input), in the input's CHW layout. */
  record Value(float score, float[] gradient) {}

  Value at(float[] input);

  /** Side of the square input. */
  int size();

  /** The model's logit for class {@code classIndex}: the pre-softmax score the paper maximises. */
  static ClassScore logit(SaliencyModel model, int classIndex) {
    int size = model.spec().inputSize();
    int[][] cls = {{classIndex}};
    return new ClassScore() {
      @Override
      public Value at(float[] input) {
        TensorSaliency t = model.saliency(input, 1, cls);
        return new Value(t.logit(0, classIndex), t.gradients()[0]);
      }

      @Override
      public int size() {
        return size;
      }
    };
  }
}
