package org.wsol.results.aggregate;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import org.wsol.schema.BoxResult;
import org.wsol.schema.ClassBox;
import org.wsol.schema.LocalizationResult;
import org.wsol.schema.ResultState;

/**
 * Gathers the boxes of one image into its result, idempotently: a box is identified by (image,
 * rank), so a box delivered twice (at-least-once upstream) counts once, and a result is emitted
 * once when complete.
 *
 * <p>Expected ranks: 1..top_k (the predicted classes) plus 0 (the true class) when the image came
 * with ground truth. Pure functions of the previous state, the box and the clock: no Kafka here.
 */
public final class Aggregator {
  private Aggregator() {}

  public enum Kind {
    /** the box was new; the result still misses some */
    ADDED,
    /** the box was the last one missing: the complete result is emitted */
    COMPLETED,
    /** the rank was already in: nothing changes, nothing is emitted */
    DUPLICATE,
    /** a stage refused the image: its terminal result, status rejected, is emitted */
    REJECTED,
    /**
     * the image's result had already ended (rejected, or complete before a rejection came): nothing
     * changes
     */
    IGNORED
  }

  public static final String COMPLETE = "complete";
  public static final String INCOMPLETE = "incomplete";
  public static final String REJECTED_STATUS = "rejected";

  /**
   * A stage's refusal of an image, as its dead letter tells it; what is known of the image may be
   * missing ({@code topK} 0, {@code producedAt} and {@code truth} null) when the refused record did
   * not decode.
   */
  public record Rejected(
      String imageId,
      String stage,
      String reason,
      String errorClass,
      int topK,
      Instant producedAt,
      org.wsol.schema.GroundTruth truth) {}

  /** The new state, and the result to emit (null: none). */
  public record Step(ResultState state, LocalizationResult emit, Kind kind) {}

  /** Ranks an image's result waits for, in order. */
  public static List<Integer> expectedRanks(int topK, boolean hasGroundTruth) {
    List<Integer> ranks = new ArrayList<>(topK + 1);
    if (hasGroundTruth) {
      ranks.add(0);
    }
    for (int r = 1; r <= topK; r++) {
      ranks.add(r);
    }
    return ranks;
  }

  /**
   * @param prev the image's state, null for its first box
   * @param now wall-clock milliseconds
   * @throws InvalidBoxException when the box contradicts the image's other boxes or the rank
   *     contract
   */
  public static Step add(ResultState prev, BoxResult box, long now) {
    validate(box);
    if (isRejected(
        prev)) { // terminal: a box that comes after the refusal (another rank) changes nothing
      return new Step(prev, null, Kind.IGNORED);
    }
    ResultState.Builder state;
    LocalizationResult.Builder result;
    if (prev == null) {
      result =
          LocalizationResult.newBuilder()
              .setImageId(box.getImageId())
              .setBoxes(new ArrayList<>())
              .setTopK(box.getTopK())
              .setComplete(false)
              .setMissingRanks(expectedRanks(box.getTopK(), box.getGroundTruth() != null))
              .setOriginalWidth(box.getOriginalWidth())
              .setOriginalHeight(box.getOriginalHeight())
              .setModelId(box.getModelId())
              .setLatencyMs(0)
              .setCompletedAt(Instant.ofEpochMilli(now)) // set for real when the result is emitted
              .setGroundTruth(box.getGroundTruth())
              .setScore(null);
      state =
          ResultState.newBuilder()
              .setFirstBoxAt(Instant.ofEpochMilli(now))
              .setImageProducedAt(box.getImageProducedAt())
              .setEmitted(false)
              .setDuplicates(0);
    } else {
      LocalizationResult r = prev.getResult();
      if (r.getTopK() != box.getTopK()
          || (r.getGroundTruth() == null) != (box.getGroundTruth() == null)) {
        throw new InvalidBoxException(
            "box rank "
                + box.getBox().getRank()
                + " of image '"
                + box.getImageId()
                + "' says top_k="
                + box.getTopK()
                + (box.getGroundTruth() == null ? " without" : " with")
                + " ground truth, but earlier boxes said top_k="
                + r.getTopK()
                + (r.getGroundTruth() == null ? " without" : " with")
                + " ground truth: was the image id reused?");
      }
      result = LocalizationResult.newBuilder(r);
      state = ResultState.newBuilder(prev);
    }
    int rank = box.getBox().getRank();
    List<ClassBox> boxes = new ArrayList<>(result.getBoxes());
    if (boxes.stream().anyMatch(b -> b.getRank() == rank)) {
      state.setDuplicates(state.getDuplicates() + 1);
      return new Step(state.setResult(result.build()).build(), null, Kind.DUPLICATE);
    }
    boxes.add(box.getBox());
    boxes.sort(Comparator.comparingInt(ClassBox::getRank));
    List<Integer> missing = new ArrayList<>(result.getMissingRanks());
    missing.remove(Integer.valueOf(rank));
    result.setBoxes(boxes).setMissingRanks(missing);
    if (!missing.isEmpty()) {
      return new Step(state.setResult(result.build()).build(), null, Kind.ADDED);
    }
    LocalizationResult done =
        finish(result.setComplete(true).setStatus(COMPLETE), state.getImageProducedAt(), now);
    return new Step(state.setResult(done).setEmitted(true).build(), done, Kind.COMPLETED);
  }

  /**
   * The result of an image still missing boxes after the timeout: emitted as incomplete, with its
   * score.
   */
  public static Step expire(ResultState state, long now) {
    LocalizationResult r =
        finish(
            LocalizationResult.newBuilder(state.getResult())
                .setComplete(false)
                .setStatus(INCOMPLETE),
            state.getImageProducedAt(),
            now);
    return new Step(
        ResultState.newBuilder(state).setResult(r).setEmitted(true).build(), r, Kind.ADDED);
  }

  /**
   * Whether the image's result has gone out complete or rejected: later boxes for it change
   * nothing.
   */
  public static boolean isDone(ResultState s) {
    return s != null && s.getEmitted() && (s.getResult().getComplete() || isRejected(s));
  }

  public static boolean isRejected(ResultState s) {
    return s != null && REJECTED_STATUS.equals(s.getResult().getStatus());
  }

  /**
   * A stage refused the image: its result ends now, status rejected, with the stage and the reason,
   * and keeps the boxes that came before (a segmenter refuses one class's map; the other ranks may
   * have their boxes). Once per image: a refusal replayed or sent by a second stage, or one coming
   * after the complete result, changes nothing.
   */
  public static Step reject(ResultState prev, Rejected why, long now) {
    if (isDone(prev)) {
      return new Step(prev, null, Kind.IGNORED);
    }
    LocalizationResult.Builder result;
    ResultState.Builder state;
    if (prev == null) {
      Instant producedAt = why.producedAt() == null ? Instant.ofEpochMilli(now) : why.producedAt();
      result =
          LocalizationResult.newBuilder()
              .setImageId(why.imageId())
              .setBoxes(new ArrayList<>())
              .setTopK(Math.max(0, why.topK()))
              .setMissingRanks(
                  why.topK() > 0
                      ? expectedRanks(why.topK(), why.truth() != null)
                      : new ArrayList<>())
              .setOriginalWidth(0)
              .setOriginalHeight(0)
              .setModelId("")
              .setGroundTruth(why.truth());
      state =
          ResultState.newBuilder()
              .setFirstBoxAt(Instant.ofEpochMilli(now))
              .setImageProducedAt(producedAt)
              .setDuplicates(0);
    } else {
      result = LocalizationResult.newBuilder(prev.getResult());
      state = ResultState.newBuilder(prev);
    }
    result
        .setComplete(false)
        .setStatus(REJECTED_STATUS)
        .setRejection(new org.wsol.schema.Rejection(why.stage(), why.reason(), why.errorClass()));
    LocalizationResult done = finish(result, state.getImageProducedAt(), now);
    return new Step(state.setResult(done).setEmitted(true).build(), done, Kind.REJECTED);
  }

  private static LocalizationResult finish(
      LocalizationResult.Builder r, Instant producedAt, long now) {
    long latency = producedAt == null ? 0 : Math.max(0, now - producedAt.toEpochMilli());
    return r.setLatencyMs(latency)
        .setCompletedAt(Instant.ofEpochMilli(now))
        .setScore(Scoring.score(r.getBoxes(), r.getGroundTruth()))
        .build();
  }

  private static void validate(BoxResult box) {
    Objects.requireNonNull(box.getBox(), "box");
    int k = box.getTopK();
    int rank = box.getBox().getRank();
    if (k < 1) {
      throw new InvalidBoxException(
          "box of image '" + box.getImageId() + "' has top_k=" + k + ": must be at least 1");
    }
    if (rank == 0 && box.getGroundTruth() == null) {
      throw new InvalidBoxException(
          "box of image '"
              + box.getImageId()
              + "' has rank 0 (the ground-truth class) "
              + "but carries no ground truth");
    }
    if (rank < 0 || rank > k) {
      throw new InvalidBoxException(
          "box of image '"
              + box.getImageId()
              + "' has rank "
              + rank
              + ", outside 1.."
              + k
              + " (and 0 for the ground-truth class)");
    }
  }
}
