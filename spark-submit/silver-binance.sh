#!/usr/bin/env bash
# silver-binance: iceberg.market_data.bronze_binance_trades -> silver_binance_trades (valid) + silver_dlq_trades (invalid).
# Needs the Schema Registry (CRYPTOLAKE_REGISTRY_URL). Job options (--help lists them): docs/configuration.md.
exec "$(dirname "${BASH_SOURCE[0]}")/submit.sh" silver-binance io.cryptolake.jobs.SilverJob --exchange binance "$@"
