package io.cryptolake.embedded;

import java.nio.file.Path;

/** What the embedded run produces and where it keeps its data. */
public record EmbeddedOptions(long count, double faultRate, long seed, Path dataDir) {}
