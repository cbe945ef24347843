#!/usr/bin/env bash
# Writes the class-data-sharing (AppCDS) archive that submit.sh starts the jobs' drivers and executors with, when
# they run on the Spark runtime the build assembles (servers/target/dist/spark). A Spark JVM that maps the
# archive skips loading, parsing and verifying some 15,000 classes: measured, the CPU of a JVM that starts Spark
# and runs a small query fell from 11.4 s to 7.1 s, and start-up is ten such JVMs on two cores.
#   class-archive.sh [spark-runtime-dir] [jobs-jar] [servers-classpath]   (the build runs it after packaging the jar)
# servers-classpath: a class path with the local servers and the synthetic producer (the build gives the jobs module's
# test class path). With it the training also runs the one application's queries against real local servers (Kafka,
# the S3 API, the registry, PostgreSQL; on free ports, about a minute more) and the archive holds their clients'
# classes too: 3,600-4,400 more shared classes per job JVM (docs/benchmarks.md, round 32). Without it, or if they
# do not start, the training runs on a lake of local files alone.
# Writes <runtime>/class-archive/jobs.jsa and, beside it, the class path it was made for: the one a standalone
# worker gives the executors it launches; submit.sh starts a client-mode driver with the same one. An archive
# that does not match the JVM (another JDK, another class path) is not used, with one warning in the JVM's log;
# a missing one is not used either, silently.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runtime="${1:-$root/servers/target/dist/spark}"
jar="${2:-$root/jobs/target/cryptolake-jobs.jar}"
[[ -d "$runtime/jars" ]] || { echo "class-archive: no Spark runtime at $runtime/jars; build it with 'make build'" >&2; exit 2; }
[[ -f "$jar" ]] || { echo "class-archive: $jar not found; build it with 'make build'" >&2; exit 2; }
# The class path is checked entry by entry against the JVM's: the same absolute paths as the worker's launch.
runtime="$(cd "$runtime" && pwd -P)"
out="$runtime/class-archive"
mkdir -p "$out"
rm -f "$out/jobs.jsa" "$out/classpath"
# Spark's launcher puts the configuration directory and slf4j-api before the jars (AbstractCommandBuilder).
slf4j="$(ls "$runtime"/jars/slf4j-api-*.jar | head -1)"
classpath="$runtime/conf:$slf4j:$runtime/jars/*"
read -r -a opens < "$root/spark-submit/java17-options"
servers_cp="${3:-}"
started=$SECONDS
training_args=()
work="$(mktemp -d)"
servers_pid=""
stop_servers() {
  if [[ -n "$servers_pid" ]]; then kill "$servers_pid" 2>/dev/null || true; wait "$servers_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap stop_servers EXIT
if [[ -n "$servers_cp" ]]; then
  CRYPTOLAKE_DIST_DIR="$root/servers/target/dist" java -cp "$servers_cp" io.cryptolake.localstack.LocalServersCli \
    --free-ports --data-dir "$work/data" --env-file "$work/servers.env" > "$out/servers.log" 2>&1 &
  servers_pid=$!
  for _ in $(seq 180); do
    [[ -f "$work/servers.env" ]] || ! kill -0 "$servers_pid" 2>/dev/null && break
    sleep 1
  done
  if [[ -f "$work/servers.env" ]]; then
    set -a; source "$work/servers.env"; set +a
    # The same code on short triggers: the trades reach the bars in half a minute instead of one.
    export CRYPTOLAKE_TRIGGER_INTERVAL=2s CRYPTOLAKE_GOLD_BARS_EVERY=2s
    if java -cp "$servers_cp" io.cryptolake.producers.synthetic.SyntheticProducerCli --count 4000 \
        --manifest "$work/manifest.json" >> "$out/servers.log" 2>&1; then
      training_args=(--with-servers)
    fi
  fi
  [[ ${#training_args[@]} -gt 0 ]] \
    || echo "class-archive: the local servers did not start (their log: $out/servers.log); training on local" \
      "files alone" >&2
fi
# The JVM writes the archive when it exits; its log (hundreds of lines on classes CDS cannot keep, such as those
# of signed jars and generated code) goes to training.log.
if ! java -Xmx1g "${opens[@]}" -XX:ArchiveClassesAtExit="$out/jobs.jsa.tmp" \
    -Dlog4j2.configurationFile="$root/spark-submit/log4j2.properties" -cp "$classpath" \
    org.apache.spark.deploy.SparkSubmit --master 'local[2]' --conf spark.ui.enabled=false \
    --class io.cryptolake.jobs.ClassArchiveTraining "$jar" "${training_args[@]}" > "$out/training.log" 2>&1; then
  echo "class-archive: the training run failed; its log: $out/training.log" >&2
  tail -20 "$out/training.log" >&2
  exit 1
fi
[[ -s "$out/jobs.jsa.tmp" ]] || { echo "class-archive: the JVM wrote no archive; its log: $out/training.log" >&2; exit 1; }
mv "$out/jobs.jsa.tmp" "$out/jobs.jsa"
printf '%s\n' "$classpath" > "$out/classpath"
echo "class-archive: $out/jobs.jsa ($(du -m "$out/jobs.jsa" | cut -f1) MB) in $((SECONDS - started)) s"
