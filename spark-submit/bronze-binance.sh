#!/usr/bin/env bash
# bronze-binance: Kafka topic market.crypto.trades.binance -> iceberg.market_data.bronze_binance_trades, exactly once.
# Job options (--help lists them) follow; defaults and environment variables: docs/configuration.md.
exec "$(dirname "${BASH_SOURCE[0]}")/submit.sh" bronze-binance io.cryptolake.jobs.BronzeJob --exchange binance "$@"
