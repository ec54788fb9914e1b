package org.wsol.cli;

import picocli.CommandLine.Command;

@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks against references measured in the same run.",
    subcommands = {SaliencyBench.class})
class BenchCommand {}
