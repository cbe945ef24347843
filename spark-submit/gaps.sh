#!/usr/bin/env bash
# gaps (batch): missing trade ids per (exchange, symbol) in gold -> control_sequence_gaps, each gap once.
# Options: --from, --to (ISO-8601 trade-time window), plus the lake options (docs/configuration.md).
exec "$(dirname "${BASH_SOURCE[0]}")/submit.sh" gaps io.cryptolake.jobs.GapsJob "$@"
