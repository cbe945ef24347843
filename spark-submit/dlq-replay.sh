#!/usr/bin/env bash
# dlq-replay (batch): unresolved DLQ rows through today's decoding and rules; the valid ones back into silver.
# Options: --exchanges, --from/--to (DLQ dates), --error-types, --reasons, --limit, --dry-run (--help lists all).
exec "$(dirname "${BASH_SOURCE[0]}")/submit.sh" dlq-replay io.cryptolake.jobs.DlqReplayJob "$@"
