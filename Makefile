# cryptolake: every local workflow. `make help` lists the targets.
SHELL := /bin/bash
MVN   ?= mvn -B -q
JAVA  ?= java
# Spark on Java 17 needs these module options (Spark's JavaModuleOptions); the pom repeats them for tests.
SPARK_JAVA_OPTS := $(shell cat spark-submit/java17-options)
export SPARK_LOCAL_IP ?= 127.0.0.1
EMBEDDED_CP = embedded/target/classes:$$(cat embedded/target/classpath.txt)
ARGS ?=

JOBS := bronze-binance bronze-kraken silver-binance silver-kraken gold

.PHONY: help build run test servers produce reconcile gaps replay maintain clean $(addprefix submit-,$(JOBS))

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-24s %s\n", $$1, $$2}'

build: ## Build every module and the spark-submit jar (jobs/target/cryptolake-jobs.jar), no tests
	$(MVN) -DskipTests install

run: build ## Run the whole pipeline on embedded servers and print a summary (ARGS="--count 20000")
	$(JAVA) -Xmx3g $(SPARK_JAVA_OPTS) -cp "$(EMBEDDED_CP)" io.cryptolake.embedded.EmbeddedRunCli $(ARGS)

test: ## Run every test against real local servers and a real Spark session
	mvn -B verify

servers: build ## Start Kafka, the S3 API and the Schema Registry in the foreground (Ctrl-C stops them)
	$(JAVA) -cp "$(EMBEDDED_CP)" io.cryptolake.localstack.LocalServersCli $(ARGS)

produce: build ## Send synthetic trades to Kafka (ARGS="--count 10000 --rate 5000"; --help lists all)
	$(JAVA) -cp "$(EMBEDDED_CP)" io.cryptolake.producers.synthetic.SyntheticProducerCli $(ARGS)

submit-bronze-binance: build ## Submit bronze-binance (spark-submit/bronze-binance.sh $(ARGS))
submit-bronze-kraken: build ## Submit bronze-kraken (spark-submit/bronze-kraken.sh $(ARGS))
submit-silver-binance: build ## Submit silver-binance (spark-submit/silver-binance.sh $(ARGS))
submit-silver-kraken: build ## Submit silver-kraken (spark-submit/silver-kraken.sh $(ARGS))
submit-gold: build ## Submit gold, with its 1-minute bars (spark-submit/gold.sh $(ARGS))
$(addprefix submit-,$(JOBS)):
	spark-submit/$(@:submit-%=%).sh $(ARGS)

reconcile: build ## Check every bronze offset is in exactly one of silver or the DLQ (ARGS="--from 2026-11-21T00:00:00Z")
	spark-submit/reconcile.sh $(ARGS)

gaps: build ## Record missing trade-id ranges in control_sequence_gaps (ARGS="--from ... --to ...")
	spark-submit/gaps.sh $(ARGS)

replay: build ## Replay DLQ rows with today's rules (ARGS="--reasons timestamp_too_old --dry-run")
	spark-submit/dlq-replay.sh $(ARGS)

maintain: build ## Retention, compaction, snapshot expiry, orphan files for every table (ARGS="--archive-dlq-after 30")
	spark-submit/maintain.sh $(ARGS)

clean: ## Remove build output and local data
	$(MVN) clean
	rm -rf data
