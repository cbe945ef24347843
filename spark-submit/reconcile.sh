#!/usr/bin/env bash
# reconcile (batch): every bronze offset in exactly one of silver or the DLQ; exits 1 on a violation.
# Options: --exchanges, --from, --to (ISO-8601 instants), plus the lake options (docs/configuration.md).
exec "$(dirname "${BASH_SOURCE[0]}")/submit.sh" reconcile io.cryptolake.jobs.ReconcileJob "$@"
