package org.wsol.segmenter.service;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.wsol.common.image.RgbImages;
import org.wsol.common.image.SaliencyMaps;
import org.wsol.common.kafka.BadRecordException;
import org.wsol.common.kafka.Stage;
import org.wsol.schema.BoxResult;
import org.wsol.schema.ClassBox;
import org.wsol.schema.Instance;
import org.wsol.schema.SaliencyTensor;
import org.wsol.segmenter.graphcut.Localizer;
import org.wsol.segmenter.graphcut.PixelBox;

/** SaliencyTensor -> BoxResult: GraphCut on the working image, box scaled to original pixels. */
public final class SegmenterStage implements Stage<SaliencyTensor, BoxResult> {
  private final Localizer localizer;
  private final String worker;

  public SegmenterStage(Localizer localizer, String worker) {
    this.localizer = localizer;
    this.worker = worker;
  }

  @Override
  public String name() {
    return "segmenter";
  }

  @Override
  public List<Outcome<BoxResult>> process(List<SaliencyTensor> inputs) {
    List<Outcome<BoxResult>> out = new ArrayList<>(inputs.size());
    for (SaliencyTensor t : inputs) {
      try {
        out.add(Outcome.ok(List.of(segment(t))));
      } catch (BadRecordException | IllegalArgumentException e) {
        out.add(
            Outcome.failed(
                e instanceof BadRecordException b
                    ? b
                    : new BadRecordException(
                        "saliency record for image '"
                            + t.getImageId()
                            + "' rank "
                            + t.getRank()
                            + " is unusable: "
                            + e.getMessage(),
                        e)));
      }
    }
    return out;
  }

  /** The localiser's instances in original pixels, with their scores and shares of the mask. */
  static List<Instance> instances(Localizer.Result r, int originalWidth, int originalHeight) {
    List<PixelBox> boxes = r.instanceBoxesInOriginal(originalWidth, originalHeight);
    List<Instance> out = new ArrayList<>(boxes.size());
    for (int i = 0; i < boxes.size(); i++) {
      PixelBox b = boxes.get(i);
      out.add(
          new Instance(
              new org.wsol.schema.Box(b.x0(), b.y0(), b.x1(), b.y1()),
              r.instances().get(i).score(),
              r.maskShare(r.instances().get(i))));
    }
    return out;
  }

  /** One map to one box; also what the eval uses to re-run other modes on the same maps. */
  public BoxResult segment(SaliencyTensor t) {
    long t0 = System.nanoTime();
    int w = t.getMapWidth();
    int h = t.getMapHeight();
    float[] map = SaliencyMaps.decode(t);
    // The declared size is checked before decoding: a working image larger than its map is never
    // decoded.
    BufferedImage img =
        RgbImages.decodeExactly(
            SaliencyMaps.workingImageBytes(t),
            w,
            h,
            "the working image of the " + w + "x" + h + " map");
    Localizer.Result r = localizer.localize(w, h, map, RgbImages.pixels(img));
    Optional<PixelBox> box = r.boxInOriginal(t.getOriginalWidth(), t.getOriginalHeight());
    ClassBox cb =
        ClassBox.newBuilder()
            .setClassIndex(t.getClassIndex())
            .setClassLabel(t.getClassLabel())
            .setRank(t.getRank())
            .setScore(t.getScore())
            .setBox(
                box.map(b -> new org.wsol.schema.Box(b.x0(), b.y0(), b.x1(), b.y1())).orElse(null))
            .setMaskArea(r.maskArea())
            .setWorker(worker)
            .setInstances(instances(r, t.getOriginalWidth(), t.getOriginalHeight()))
            .build();
    return BoxResult.newBuilder()
        .setImageId(t.getImageId())
        .setTopK(t.getTopK())
        .setBox(cb)
        .setOriginalWidth(t.getOriginalWidth())
        .setOriginalHeight(t.getOriginalHeight())
        .setModelId(t.getModelId())
        .setGroundTruth(t.getGroundTruth())
        .setImageProducedAt(t.getImageProducedAt())
        .setSaliencyMs(t.getSaliencyMs())
        .setSegmentMs((System.nanoTime() - t0) / 1e6f)
        .build();
  }
}
