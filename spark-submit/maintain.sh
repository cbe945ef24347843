#!/usr/bin/env bash
# maintain (batch): retention deletes, optional DLQ archive, compaction, snapshot expiry, orphan files, per table.
# Options: --retention TABLE=DAYS, --archive-dlq-after DAYS, --no-compact, ... (--help lists all).
exec "$(dirname "${BASH_SOURCE[0]}")/submit.sh" maintain io.cryptolake.jobs.MaintainJob "$@"
