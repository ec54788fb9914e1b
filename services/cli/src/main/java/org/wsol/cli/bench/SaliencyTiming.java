package org.wsol.cli.bench;

/**
 * The times of one work at one batch size: seconds of the compared work summed over its passes
 * (each the best of the repeats), the same end to end on the DJL side, and on the PyTorch side (0
 * when not measured).
 */
record SaliencyTiming(
    SaliencyWork work,
    int batch,
    int passes,
    int repeats,
    double djl,
    double djlEndToEnd,
    double torch) {}
