package io.cryptolake.replay;

import io.cryptolake.schemas.Exchange;
import io.cryptolake.validation.ValidationConfig;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;

/**
 * Which DLQ rows a replay selects (unresolved rows of these exchanges, DLQ dates in [from, to], these error
 * types and reasons when given, at most {@code limit}), and how it re-validates them.
 */
public record ReplayOptions(List<Exchange> exchanges, LocalDate from, LocalDate to, List<String> errorTypes,
    List<String> reasons, Long limit, boolean dryRun, String registryUrl, Duration registryMaxWait,
    ValidationConfig validation) {}
