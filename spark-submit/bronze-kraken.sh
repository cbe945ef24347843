#!/usr/bin/env bash
# bronze-kraken: Kafka topic market.crypto.trades.kraken -> iceberg.market_data.bronze_kraken_trades, exactly once.
# Job options (--help lists them) follow; defaults and environment variables: docs/configuration.md.
exec "$(dirname "${BASH_SOURCE[0]}")/submit.sh" bronze-kraken io.cryptolake.jobs.BronzeJob --exchange kraken "$@"
