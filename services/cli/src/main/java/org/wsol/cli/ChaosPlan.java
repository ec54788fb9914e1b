package org.wsol.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import org.wsol.common.config.Settings;

/**
 * What a chaos run was asked for: the chaos command's options.
 *
 * @param serviceArgs the arguments every service process gets, given the bootstrap servers
 */
record ChaosPlan(
    Settings config,
    Function<String, List<String>> serviceArgs,
    int images,
    int segmenters,
    int topK,
    List<Path> files,
    Path logs,
    int timeoutSeconds) {}
