package io.cryptolake.gold;

import io.cryptolake.lake.LakeCatalog;
import io.cryptolake.lake.Tables;
import io.cryptolake.testing.TestLake;
import java.math.BigDecimal;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/** Hand-made gold rows, for tests that need exact, known data in gold. */
final class GoldRows {
  private GoldRows() {}

  static Row trade(String exchange, String symbol, long id, Instant time, String price, String quantity) {
    return RowFactory.create("m-" + exchange + symbol + id, exchange + "-" + id, symbol, exchange, "crypto",
        Timestamp.from(time), new BigDecimal(price).setScale(18), new BigDecimal(quantity).setScale(18), "USDT",
        "BUY", List.of(), id, Timestamp.from(time), id, Map.of(),
        Date.valueOf(time.atZone(ZoneOffset.UTC).toLocalDate()), time.atZone(ZoneOffset.UTC).getHour());
  }

  static void append(TestLake.Lake lake, List<Row> rows) throws Exception {
    new LakeCatalog(TestLake.spark(), lake.config()).ensure(Tables.gold());
    String table = lake.config().qualified(Tables.GOLD);
    TestLake.spark().createDataFrame(rows, TestLake.spark().table(table).schema()).writeTo(table).append();
  }
}
