#!/usr/bin/env bash
# sql (interactive or batch): Spark SQL on the lake, its namespace current. -e "SELECT ..." or -f FILE runs
# statements and exits; without them it reads statements (ending with ';') until Ctrl-D. Plus the lake options.
exec "$(dirname "${BASH_SOURCE[0]}")/submit.sh" sql io.cryptolake.jobs.SqlJob "$@"
