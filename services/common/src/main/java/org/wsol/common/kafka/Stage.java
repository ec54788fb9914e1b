package org.wsol.common.kafka;

import java.util.List;

/**
 * One processing step of the pipeline, free of Kafka: takes decoded inputs, returns for each input
 * either its outputs or the reason it failed. {@link StageRunner} does the consuming, producing and
 * committing.
 */
public interface Stage<I, O> {
  String name();

  /**
   * @return one outcome per input, in order
   */
  List<Outcome<O>> process(List<I> inputs);

  /** The outputs of one input, or why it failed. */
  record Outcome<O>(List<O> outputs, RuntimeException failure) {
    public static <O> Outcome<O> ok(List<O> outputs) {
      return new Outcome<>(outputs, null);
    }

    public static <O> Outcome<O> failed(RuntimeException e) {
      return new Outcome<>(List.of(), e);
    }
  }
}
