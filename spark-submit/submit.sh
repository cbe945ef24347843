#!/usr/bin/env bash
# Shared by every spark-submit/<job>.sh: submits one job of the jobs jar with the product's defaults.
#   submit.sh <job-name> <main-class> [job options...]
# Spark: $SPARK_HOME/bin/spark-submit when SPARK_HOME is a Spark distribution; otherwise the Spark runtime
# the build assembles from Maven (servers/target/dist/spark). Every default below is an environment variable:
#   SPARK_MASTER            master URL                      (local[2]; spark://127.0.0.1:7077 for make cluster-up)
#   SPARK_DEPLOY_MODE       client or cluster               (client). cluster: the cluster manager runs the driver
#                           on a worker and, for a streaming job, restarts it when it fails (--supervise)
#   CRYPTOLAKE_DRIVER_MEMORY / CRYPTOLAKE_EXECUTOR_MEMORY   (1g / 1g)
#   CRYPTOLAKE_DRIVER_CORES (cluster mode) / CRYPTOLAKE_EXECUTOR_CORES   (1 / 1); CRYPTOLAKE_EXECUTOR_CORES_<JOB>
#                           for one job
#   CRYPTOLAKE_MAX_CORES    cores of a job on a standalone cluster (1); CRYPTOLAKE_MAX_CORES_<JOB> for one job
#   CRYPTOLAKE_JOBS_JAR     the jobs jar: a path (each executor fetches it from the driver), local:<path> (the
#                           jar is at that path on every host: executors read it there, nothing is fetched; client
#                           mode), or in cluster mode a URL every worker can fetch (http(s)://, hdfs://...)
#                           (jobs/target/cryptolake-jobs.jar; bin/cluster's client mode: local:<that path>)
#   CRYPTOLAKE_SPARK_CONF   extra "--conf k=v ..." arguments
#   CRYPTOLAKE_LOG4J2       logging configuration: a file on every host that runs a driver or an executor
#                           (default: spark-submit/log4j2.properties for a client-mode driver, the copy of it
#                           inside the jobs jar everywhere else)
#   CRYPTOLAKE_LOG_FORMAT   text or json (Spark's structured JSON layout, one object per line)   (text)
#   CRYPTOLAKE_JVM_OPTIONS  JVM options for the driver and the executors (config/local.env)
#   CRYPTOLAKE_EXECUTOR_JVM_OPTIONS  the executors' own, in place of CRYPTOLAKE_JVM_OPTIONS (config/local.env;
#                           CRYPTOLAKE_EXECUTOR_JVM_OPTIONS_<JOB> for one job)
#   CRYPTOLAKE_UI_PORT_<JOB> the driver UI and /metrics/prometheus port of a streaming job (config/local.env)
#   CRYPTOLAKE_CLASS_ARCHIVE the class-data-sharing archive the driver and executors start with, or none
#                           (<runtime>/class-archive/jobs.jsa, written by the build: spark-submit/class-archive.sh;
#                           used only on the Maven-assembled runtime, whose class path it was made for)
set -euo pipefail
job="$1"; main_class="$2"; shift 2
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="${CRYPTOLAKE_JOBS_JAR:-$root/jobs/target/cryptolake-jobs.jar}"
deploy_mode="${SPARK_DEPLOY_MODE:-client}"
[[ "$deploy_mode" == client || "$deploy_mode" == cluster ]] \
  || { echo "submit: SPARK_DEPLOY_MODE must be client or cluster, not '$deploy_mode'" >&2; exit 2; }
if [[ "$jar" == local:* && "$deploy_mode" == cluster ]]; then
  echo "submit: CRYPTOLAKE_JOBS_JAR=$jar: a local: jar is for client mode; in cluster mode give a URL every worker can fetch" >&2
  exit 2
fi
if [[ "$jar" != *://* && ! -f "${jar#local:}" ]]; then
  echo "submit: ${jar#local:} not found; build it with 'make build'" >&2
  exit 2
fi
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
log_format="${CRYPTOLAKE_LOG_FORMAT:-text}"
[[ "$log_format" == text || "$log_format" == json ]] || { echo "submit: CRYPTOLAKE_LOG_FORMAT must be text or json, not '$log_format'" >&2; exit 2; }
log_file="${CRYPTOLAKE_LOG4J2:-$root/spark-submit/log4j2.properties}"
# A JVM away from this host cannot read this host's file: it applies the jar's copy (JobLogging).
if [[ -n "${CRYPTOLAKE_LOG4J2:-}" ]]; then
  remote_log="-Dlog4j2.configurationFile=$CRYPTOLAKE_LOG4J2 -Dcryptolake.log.format=$log_format"
else
  remote_log="-Dcryptolake.log4j2=bundled -Dcryptolake.log.format=$log_format"
fi
driver_log="-Dlog4j2.configurationFile=$log_file -Dcryptolake.log.format=$log_format"
[[ "$deploy_mode" == cluster ]] && driver_log="$remote_log"
# option_of VAR DEFAULT: the environment's VAR when it is set (even empty), else config/local.env's, else DEFAULT.
option_of() {
  if [[ -n "${!1+set}" ]]; then printf '%s' "${!1}"; return; fi
  local line; line="$(grep -m1 "^$1=" "$root/config/local.env" || true)"
  if [[ -n "$line" ]]; then printf '%s' "${line#*=}"; else printf '%s' "$2"; fi
}
jvm_options="$(option_of CRYPTOLAKE_JVM_OPTIONS "")"
# A streaming job's UI (and metrics endpoint) has a fixed port, so Prometheus knows where to scrape it.
job_var="$(tr 'a-z-' 'A-Z_' <<< "$job")"
ui_var="CRYPTOLAKE_UI_PORT_$job_var"
ui_port="${!ui_var:-$(sed -n "s/^$ui_var=//p" "$root/config/local.env")}"
cores_var="CRYPTOLAKE_MAX_CORES_$job_var"
max_cores="${!cores_var:-${CRYPTOLAKE_MAX_CORES:-1}}"
executor_cores_var="CRYPTOLAKE_EXECUTOR_CORES_$job_var"
executor_cores="${!executor_cores_var:-${CRYPTOLAKE_EXECUTOR_CORES:-1}}"
runtime="${SPARK_HOME:-$root/servers/target/dist/spark}"
# The archive holds classes of the Maven-assembled runtime's jars: a Spark distribution's JVMs do not get it.
class_archive="${CRYPTOLAKE_CLASS_ARCHIVE:-$runtime/class-archive/jobs.jsa}"
if [[ "$class_archive" == none || ! -f "$class_archive" || ( -n "${SPARK_HOME:-}" && -x "$SPARK_HOME/bin/spark-submit" ) ]]; then
  class_archive=""
fi
executor_jvm_var="CRYPTOLAKE_EXECUTOR_JVM_OPTIONS_$job_var"
executor_jvm_options="$(option_of "$executor_jvm_var" "$(option_of CRYPTOLAKE_EXECUTOR_JVM_OPTIONS "$jvm_options")")"
jvm_options="$jvm_options${class_archive:+ -XX:SharedArchiveFile=$class_archive}"
executor_jvm_options="$executor_jvm_options${class_archive:+ -XX:SharedArchiveFile=$class_archive}"
# shellcheck disable=SC2206
jvm=(${jvm_options})

args=(
  --name "$job"
  --class "$main_class"
  --master "${SPARK_MASTER:-local[2]}"
  --deploy-mode "$deploy_mode"
  --driver-memory "${CRYPTOLAKE_DRIVER_MEMORY:-1g}"
  --executor-memory "${CRYPTOLAKE_EXECUTOR_MEMORY:-1g}"
  --executor-cores "$executor_cores"
  --conf "spark.cores.max=$max_cores"
  --driver-java-options "$driver_log${jvm_options:+ $jvm_options}"
  --conf "spark.executor.extraJavaOptions=$remote_log${executor_jvm_options:+ $executor_jvm_options}"
)
[[ "$deploy_mode" == cluster ]] && args+=(--driver-cores "${CRYPTOLAKE_DRIVER_CORES:-1}")
# A streaming job (it has a UI port) is restarted by the cluster manager when its driver fails.
[[ "$deploy_mode" == cluster && -n "$ui_port" ]] && args+=(--supervise)
[[ -n "$ui_port" ]] && args+=(--conf "spark.ui.port=$ui_port" --conf "spark.port.maxRetries=0")
[[ "$log_format" == json ]] && args+=(--conf "spark.log.structuredLogging.enabled=true")
# shellcheck disable=SC2206
extra=(${CRYPTOLAKE_SPARK_CONF:-})

if [[ -n "${SPARK_HOME:-}" && -x "$SPARK_HOME/bin/spark-submit" ]]; then
  exec "$SPARK_HOME/bin/spark-submit" "${args[@]}" "${extra[@]}" "$jar" "$@"
fi

if [[ ! -d "$runtime/jars" ]]; then
  echo "submit: no Spark distribution at SPARK_HOME and no $runtime/jars; build it with 'make build'" >&2
  exit 2
fi
# Without a distribution, run SparkSubmit on the Maven-assembled runtime; the driver JVM is this one, so it
# gets the module options Spark's launcher would add.
read -r -a opens < "$root/spark-submit/java17-options"
# With the archive, the class path it was made for (the executors' one); the same jars either way.
classpath="$runtime/jars/*"
[[ -n "$class_archive" && -f "$(dirname "$class_archive")/classpath" ]] && classpath="$(< "$(dirname "$class_archive")/classpath")"
exec java -Xmx"${CRYPTOLAKE_DRIVER_MEMORY:-1g}" "${opens[@]}" "${jvm[@]}" "-Dlog4j2.configurationFile=$log_file" \
  "-Dcryptolake.log.format=$log_format" -cp "$classpath" \
  org.apache.spark.deploy.SparkSubmit "${args[@]}" "${extra[@]}" "$jar" "$@"
