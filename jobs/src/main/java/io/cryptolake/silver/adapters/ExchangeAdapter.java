package io.cryptolake.silver.adapters;

import io.cryptolake.schemas.Exchange;
import org.apache.spark.sql.Column;

/**
 * What is specific to one exchange when its raw record (the decoded struct {@code raw}) becomes a unified
 * trade: every method returns a column expression over {@code raw}. The rest of the unified schema (ids,
 * decimals, lineage) is derived the same way for every exchange by {@link io.cryptolake.silver.SilverTransform}.
 */
public interface ExchangeAdapter {
  Exchange exchange();

  /** Upper case, no separator: BTCUSDT, BTCUSD. */
  Column symbol(Column raw);

  /** The exchange's trade time as a timestamp. */
  Column tradeTime(Column raw);

  /** The exchange's price text, untouched (converted exactly later). */
  Column priceText(Column raw);

  Column quantityText(Column raw);

  /** BUY or SELL from the aggressor; NULL when the exchange's value means neither. */
  Column side(Column raw);

  /** The quote currency. */
  Column currency(Column raw);

  /** The exchange's numeric trade id. */
  Column tradeId(Column raw);

  /** Fields that have no column of their own. */
  Column vendorData(Column raw);
}
