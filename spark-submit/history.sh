#!/usr/bin/env bash
# history (batch): each table's size and last snapshots: which job and batch wrote them, rows added and deleted.
# Arguments: table names (default: all), --last N, plus the lake options (docs/configuration.md).
exec "$(dirname "${BASH_SOURCE[0]}")/submit.sh" history io.cryptolake.jobs.HistoryJob "$@"
