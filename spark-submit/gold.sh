#!/usr/bin/env bash
# gold: every silver table -> gold_crypto_trades (de-duplicated, by UTC date and hour) and gold_ohlcv_1m.
# Options: --watermark (5m), --max-files-per-trigger, --no-ohlcv, plus lake/stream options (docs/configuration.md).
exec "$(dirname "${BASH_SOURCE[0]}")/submit.sh" gold io.cryptolake.jobs.GoldJob "$@"
