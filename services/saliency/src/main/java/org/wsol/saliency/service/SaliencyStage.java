package org.wsol.saliency.service;

import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.wsol.common.image.HalfFloats;
import org.wsol.common.image.RgbImages;
import org.wsol.common.kafka.BadRecordException;
import org.wsol.common.kafka.Stage;
import org.wsol.saliency.model.CombinedClasses;
import org.wsol.saliency.model.SaliencyModel;
import org.wsol.schema.ImageEvent;
import org.wsol.schema.MapDtype;
import org.wsol.schema.SaliencyTensor;

/**
 * ImageEvent -> one SaliencyTensor per top-k class (ranks 1..k), a whole poll's images in one
 * batched model call. An image with ground truth also gets one for its true class, rank 0, always
 * (even when that class is among the top k): GT-known localisation scores segment it, and the
 * results service waits for it.
 */
public final class SaliencyStage implements Stage<ImageEvent, SaliencyTensor> {
  private final SaliencyModel model;
  private final SaliencyModel.Mode mode;
  private final ImageSource source;
  private final long maxBytes;
  private final long maxPixels;
  private final int defaultTopK;
  private final boolean lossless;
  private final boolean combineClasses;
  private final CombinedClasses.Weights combineWeights;

  public SaliencyStage(SaliencyModel model, SaliencyConfig config) {
    this.model = model;
    this.mode = config.crops();
    this.source = new ImageSource(config.images());
    this.maxBytes = config.images().maxBytes();
    this.maxPixels = config.images().maxPixels();
    this.defaultTopK = config.topK();
    this.lossless = config.workingLossless();
    this.combineClasses = config.combineClasses();
    this.combineWeights = config.combineWeights();
  }

  @Override
  public String name() {
    return "saliency";
  }

  @Override
  public List<Outcome<SaliencyTensor>> process(List<ImageEvent> inputs) {
    List<Outcome<SaliencyTensor>> outcomes = new ArrayList<>();
    List<BufferedImage> images = new ArrayList<>();
    List<Integer> slots = new ArrayList<>();
    List<Integer> extras = new ArrayList<>();
    int maxK = 1;
    int classes = model.spec().classes().size();
    for (ImageEvent e : inputs) {
      try {
        int k = topK(e);
        if (k < 1 || k > classes) {
          throw new BadRecordException("top_k=" + e.getTopK() + " is outside 1.." + classes);
        }
        int truth = e.getGroundTruth() == null ? -1 : e.getGroundTruth().getClassIndex();
        if (e.getGroundTruth() != null && (truth < 0 || truth >= classes)) {
          throw new BadRecordException(
              "ground_truth.class_index="
                  + truth
                  + " is outside the model's classes 0.."
                  + (classes - 1)
                  + ": ground truth must use the model's class indices");
        }
        images.add(RgbImages.decode(source.bytes(e), maxBytes, maxPixels));
        extras.add(truth);
        slots.add(outcomes.size());
        maxK = Math.max(maxK, k);
        outcomes.add(null);
      } catch (BadRecordException ex) {
        outcomes.add(Outcome.failed(ex));
      }
    }
    if (images.isEmpty()) {
      return outcomes;
    }
    long t0 = System.nanoTime();
    List<SaliencyModel.ImageSaliency> maps =
        model.compute(images, maxK, extras.stream().mapToInt(Integer::intValue).toArray(), mode);
    if (combineClasses) {
      List<SaliencyModel.ImageSaliency> combined = new ArrayList<>(maps.size());
      for (int i = 0; i < maps.size(); i++) {
        // Over the event's own top-k: the batch computed maxK classes for every image.
        combined.add(
            CombinedClasses.combine(maps.get(i), topK(inputs.get(slots.get(i))), combineWeights));
      }
      maps = combined;
    }
    float msPerImage = (System.nanoTime() - t0) / 1e6f / images.size();
    for (int i = 0; i < maps.size(); i++) {
      int slot = slots.get(i);
      outcomes.set(
          slot, Outcome.ok(tensors(inputs.get(slot), images.get(i), maps.get(i), msPerImage)));
    }
    return outcomes;
  }

  private int topK(ImageEvent e) {
    return e.getTopK() > 0 ? e.getTopK() : defaultTopK;
  }

  private List<SaliencyTensor> tensors(
      ImageEvent e, BufferedImage original, SaliencyModel.ImageSaliency s, float ms) {
    BufferedImage working = s.workingImage();
    ByteBuffer encoded =
        ByteBuffer.wrap(lossless ? RgbImages.png(working) : RgbImages.jpeg(working, 0.95f));
    int k = topK(e);
    List<SaliencyTensor> out = new ArrayList<>(k + 1);
    for (SaliencyModel.ClassSaliency c : s.classes()) {
      if (c.rank() >= k) {
        continue;
      }
      // The model counts ranks from 0; the contract from 1, with 0 for the requested (ground-truth)
      // class.
      int rank = c.rank() == SaliencyModel.REQUESTED ? 0 : c.rank() + 1;
      out.add(
          SaliencyTensor.newBuilder()
              .setImageId(e.getId())
              .setClassIndex(c.index())
              .setClassLabel(c.label())
              .setRank(rank)
              .setTopK(k)
              .setScore(c.logit())
              .setMapHeight(s.height())
              .setMapWidth(s.width())
              .setMapDtype(MapDtype.FLOAT16)
              .setMapData(ByteBuffer.wrap(HalfFloats.encode(c.map())))
              .setWorkingImage(encoded.duplicate())
              .setOriginalWidth(original.getWidth())
              .setOriginalHeight(original.getHeight())
              .setModelId(model.spec().modelId())
              .setGroundTruth(e.getGroundTruth())
              .setImageProducedAt(e.getProducedAt())
              .setSaliencyMs(ms)
              .build());
    }
    return out;
  }
}
