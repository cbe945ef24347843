#!/usr/bin/env bash
# silver-kraken: iceberg.market_data.bronze_kraken_trades -> silver_kraken_trades (valid) + silver_dlq_trades (invalid).
# Needs the Schema Registry (CRYPTOLAKE_REGISTRY_URL). Job options (--help lists them): docs/configuration.md.
exec "$(dirname "${BASH_SOURCE[0]}")/submit.sh" silver-kraken io.cryptolake.jobs.SilverJob --exchange kraken "$@"
