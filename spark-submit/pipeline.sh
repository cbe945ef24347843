#!/usr/bin/env bash
# pipeline: the five streaming jobs (bronze and silver of each exchange, gold with its bars) in ONE application,
# for a host too small for five drivers: the same queries and checkpoints as bronze-*.sh, silver-*.sh and
# gold.sh, so a deployment moves between the two (stop the one before starting the other). Each job keeps its
# lease, supervisor, metrics (<job>.<name> on this UI port) and a fair-scheduler pool.
# Options: --exchanges, the bronze, silver and gold options (--silver-/--gold-max-files-per-trigger) and
# lake/stream options (docs/configuration.md). Cores: CRYPTOLAKE_MAX_CORES_PIPELINE (config/local.env).
exec "$(dirname "${BASH_SOURCE[0]}")/submit.sh" pipeline io.cryptolake.jobs.PipelineJob "$@"
