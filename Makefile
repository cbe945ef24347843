# cryptolake: every local workflow. `make help` lists the targets.
SHELL := /bin/bash
MVN   ?= mvn -B -q
JAVA  ?= java
# Spark on Java 17 needs these module options (Spark's JavaModuleOptions); the pom repeats them for tests.
SPARK_JAVA_OPTS := $(shell cat spark-submit/java17-options)
export SPARK_LOCAL_IP ?= 127.0.0.1
EMBEDDED_CP = embedded/target/classes:$$(cat embedded/target/classpath.txt)
PROOF_CP = proof/target/classes:$$(cat proof/target/classpath.txt)
ARGS ?=

JOBS := bronze-binance bronze-kraken silver-binance silver-kraken gold

.PHONY: help build run test test-soak test-rest-catalog tools monitor monitor-pipeline servers produce feed-binance feed-kraken cluster-up cluster-down status submit-all reconcile gaps replay sql history maintain chaos soak bench clean \
  $(addprefix submit-,$(JOBS)) $(addprefix stop-,$(JOBS)) $(addprefix logs-,$(JOBS)) submit-pipeline stop-pipeline logs-pipeline

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+( [a-zA-Z_-]+)*:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' \
	  '{ n = split($$1, t, " "); name = t[1]; if (n > 1) sub(/-.*/, "-<job>", name); printf "  make %-24s %s\n", name, $$2 }'

build: ## Build every module and the spark-submit jar (jobs/target/cryptolake-jobs.jar), no tests
	$(MVN) -DskipTests install
	@mkdir -p target && touch $(BUILT)

# The targets that run something build first only when a pom or a source changed since the last build.
BUILT := target/build.stamp
SOURCES := $(shell find pom.xml */pom.xml */*/pom.xml -name pom.xml 2>/dev/null; \
  find . -path ./data -prune -o -path '*/target' -prune -o -path '*/src/main/*' -type f -print 2>/dev/null)
$(BUILT): $(SOURCES)
	$(MVN) -DskipTests install
	@mkdir -p target && touch $@

run: $(BUILT) ## Run the whole pipeline on embedded servers and print a summary (ARGS="--count 20000")
	$(JAVA) -Xmx3g $(SPARK_JAVA_OPTS) -cp "$(EMBEDDED_CP)" io.cryptolake.embedded.EmbeddedRunCli $(ARGS)

test: tools ## Run every test against real local servers, a real Spark session and a real local cluster
	mvn -B verify

test-soak: tools ## The short soak: four simulated days through the five jobs' queries in one Spark session (~4 min; make test runs it too, this alone)
	mvn -B verify -pl system-tests -am -Dsurefire.failIfNoSpecifiedTests=false -Dtest='SoakTest'

test-rest-catalog: tools ## The cluster test and the short chaos run with Iceberg's REST catalog server instead of PostgreSQL (~10 min)
	CRYPTOLAKE_CATALOG_SERVER=rest mvn -B verify -pl system-tests -am -Dsurefire.failIfNoSpecifiedTests=false \
	  -Dtest='LocalClusterTest,ChaosTest'

chaos: $(BUILT) ## Fault injection: 1M trades, 20 kill -9s, S3/catalog/Kafka/registry outages, then reconcile (~15-20 min; ARGS="--help")
	$(JAVA) -Xmx1g -cp "$(PROOF_CP)" io.cryptolake.proof.chaos.ChaosCli $(ARGS)

soak: $(BUILT) ## Months in minutes: 45 simulated days through the five jobs, maintain beside them, then reconcile (~40 min; ARGS="--help")
	$(JAVA) -Xmx1g -cp "$(PROOF_CP)" io.cryptolake.proof.soak.SoakCli $(ARGS)

bench: $(BUILT) ## Benchmark: Kafka consumer, bronze, Kafka Connect's Iceberg sink, silver vs naive, the pipeline as five apps and as one at fixed rates (45-90 min)
	$(MVN) -Pbench -pl proof/kafka-connect package
	$(JAVA) -Xmx3g $(SPARK_JAVA_OPTS) -cp "$(PROOF_CP)" io.cryptolake.proof.bench.BenchCli $(ARGS)

tools: ## Install what the tests need beyond Maven: promtool (Debian's prometheus package), if missing
	@command -v promtool >/dev/null || { \
	  sudo=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  echo "installing Debian's prometheus package for promtool"; \
	  $$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends prometheus >/dev/null; }

monitor: tools ## Run Prometheus (:9090) on the local cluster's jobs with the alert rules (Ctrl-C stops it)
	prometheus --config.file=monitoring/prometheus.yml --storage.tsdb.path=data/prometheus \
	  --web.listen-address=127.0.0.1:$$(sed -n 's/^CRYPTOLAKE_PROMETHEUS_PORT=//p' config/local.env)

monitor-pipeline: tools ## The same for the one-application deployment (make submit-pipeline)
	prometheus --config.file=monitoring/prometheus-pipeline.yml --storage.tsdb.path=data/prometheus \
	  --web.listen-address=127.0.0.1:$$(sed -n 's/^CRYPTOLAKE_PROMETHEUS_PORT=//p' config/local.env)

servers: $(BUILT) ## Start Kafka, the S3 API and the Schema Registry in the foreground (Ctrl-C stops them)
	$(JAVA) -cp "$(EMBEDDED_CP)" io.cryptolake.localstack.LocalServersCli $(ARGS)

produce: $(BUILT) ## Send synthetic trades to Kafka (ARGS="--count 10000 --rate 5000"; --help lists all)
	$(JAVA) -cp "$(EMBEDDED_CP)" io.cryptolake.producers.synthetic.SyntheticProducerCli $(ARGS)

feed-binance: $(BUILT) ## Live Binance trades into Kafka (needs internet; ARGS="--symbols BTCUSDT,ETHUSDT"; --help lists all)
	$(JAVA) -cp "$(EMBEDDED_CP)" io.cryptolake.producers.exchange.ExchangeProducerCli --exchange binance $(ARGS)

feed-kraken: $(BUILT) ## Live Kraken trades into Kafka (needs internet; ARGS="--symbols BTC/USD,ETH/USD")
	$(JAVA) -cp "$(EMBEDDED_CP)" io.cryptolake.producers.exchange.ExchangeProducerCli --exchange kraken $(ARGS)

cluster-up: $(BUILT) ## Start the local servers, a Spark master (UI :8080) and two workers, in the background
	bin/cluster up

cluster-down: ## Stop the jobs, the workers, the master and the servers; nothing is left running
	bin/cluster down

status: ## Servers, Spark applications and their state (Master UI JSON), last batch per job
	bin/cluster status

submit-all: ## Submit all five streaming jobs to the local cluster, side by side (ARGS to each)
	bin/cluster submit-each "$(JOBS)" $(ARGS)

submit-bronze-binance: ## Submit bronze-binance to the local cluster (spark-submit/bronze-binance.sh $(ARGS))
submit-bronze-kraken: ## Submit bronze-kraken to the local cluster
submit-silver-binance: ## Submit silver-binance to the local cluster
submit-silver-kraken: ## Submit silver-kraken to the local cluster
submit-gold: ## Submit gold, with its 1-minute bars, to the local cluster
$(addprefix submit-,$(JOBS)):
	bin/cluster submit $(@:submit-%=%) $(ARGS)

submit-pipeline: ## The five jobs in ONE application instead (one driver, one two-core executor; stop the five first, ARGS as theirs)
	bin/cluster submit pipeline $(ARGS)

stop-pipeline logs-pipeline:
	bin/cluster $(@:%-pipeline=%) pipeline

stop-bronze-binance stop-bronze-kraken stop-silver-binance stop-silver-kraken stop-gold: ## stop-<job>: SIGTERM, the job stops after its current batch
	bin/cluster stop $(@:stop-%=%)

logs-bronze-binance logs-bronze-kraken logs-silver-binance logs-silver-kraken logs-gold: ## logs-<job>: follow a job's log
	bin/cluster logs $(@:logs-%=%)

reconcile: ## Check every record is accounted for: bronze, silver, DLQ, gold (ARGS="--from 2026-11-21T00:00:00Z")
	bin/cluster batch reconcile $(ARGS)

gaps: ## Record missing trade-id ranges in control_sequence_gaps (ARGS="--from ... --to ...")
	bin/cluster batch gaps $(ARGS)

replay: ## Replay DLQ rows with today's rules (ARGS="--reasons timestamp_too_old --dry-run")
	bin/cluster batch dlq-replay $(ARGS)

sql: ## Spark SQL on the lake, interactive (Ctrl-D ends it), or ARGS="-e 'SELECT count(*) FROM gold_crypto_trades'"
	bin/cluster batch sql $(ARGS)

history: ## Each table's size and last snapshots: which job and batch wrote them (ARGS="gold_crypto_trades --last 50")
	bin/cluster batch history $(ARGS)

maintain: ## Retention, compaction, snapshot expiry, orphan files for every table (ARGS="--archive-dlq-after 30")
	bin/cluster batch maintain $(ARGS)

clean: ## Remove build output and local data
	$(MVN) clean
	rm -rf data
