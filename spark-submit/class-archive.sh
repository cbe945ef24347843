#!/usr/bin/env bash
# Writes the class-data-sharing (AppCDS) archive that submit.sh starts the jobs' drivers and executors with, when
# they run on the Spark runtime the build assembles (servers/target/dist/spark). A Spark JVM that maps the
# archive skips loading, parsing and verifying some 15,000 classes: measured, the CPU of a JVM that starts Spark
# and runs a small query fell from 11.4 s to 7.1 s, and start-up is ten such JVMs on two cores.
#   class-archive.sh [spark-runtime-dir] [jobs-jar]     (the build runs it after packaging the jobs jar)
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
started=$SECONDS
# The JVM writes the archive when it exits; its log (hundreds of lines on classes CDS cannot keep, such as those
# of signed jars and generated code) goes to training.log.
if ! java -Xmx1g "${opens[@]}" -XX:ArchiveClassesAtExit="$out/jobs.jsa.tmp" \
    -Dlog4j2.configurationFile="$root/spark-submit/log4j2.properties" -cp "$classpath" \
    org.apache.spark.deploy.SparkSubmit --master 'local[2]' --conf spark.ui.enabled=false \
    --class io.cryptolake.jobs.ClassArchiveTraining "$jar" > "$out/training.log" 2>&1; then
  echo "class-archive: the training run failed; its log: $out/training.log" >&2
  tail -20 "$out/training.log" >&2
  exit 1
fi
[[ -s "$out/jobs.jsa.tmp" ]] || { echo "class-archive: the JVM wrote no archive; its log: $out/training.log" >&2; exit 1; }
mv "$out/jobs.jsa.tmp" "$out/jobs.jsa"
printf '%s\n' "$classpath" > "$out/classpath"
echo "class-archive: $out/jobs.jsa ($(du -m "$out/jobs.jsa" | cut -f1) MB) in $((SECONDS - started)) s"
