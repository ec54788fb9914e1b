package org.wsol.cli.eval;

import java.util.List;
import java.util.Map;
import org.wsol.cli.local.LocalPipeline;
import org.wsol.schema.Box;

/**
 * One pass of the pipeline on the maps of a group of modes: its outcome, the maps and times it
 * tapped, and each mode's boxes (image, mode, rank) and segmenting time (image, mode) re-run
 * in-process on those maps.
 */
public record MapsRun(
    List<String> modes,
    LocalPipeline.Outcome outcome,
    Map<String, EvalRecorder.PerImage> images,
    String model,
    Map<String, Map<String, Map<Integer, Box>>> boxes,
    Map<String, Map<String, Double>> segmentMs,
    int mismatches) {}
