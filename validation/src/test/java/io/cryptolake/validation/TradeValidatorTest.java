package io.cryptolake.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every rule at its boundaries, and with NULL in every input column, on hand-built rows. */
class TradeValidatorTest {
  private static final Instant KAFKA_TIME = Instant.parse("2026-06-01T12:00:00Z");
  private static final StructType INPUT = new StructType()
      .add("decode_error", DataTypes.StringType)
      .add("price_text", DataTypes.StringType)
      .add("quantity_text", DataTypes.StringType)
      .add("symbol", DataTypes.StringType)
      .add("side", DataTypes.StringType)
      .add("timestamp", DataTypes.TimestampType)
      .add("kafka_timestamp", DataTypes.TimestampType)
      .add("trade_id", DataTypes.StringType)
      .add("message_id", DataTypes.StringType)
      .add("asset_class", DataTypes.StringType);

  private static SparkSession spark;
  private final TradeValidator validator = new TradeValidator(ValidationConfig.defaults());

  @BeforeAll
  static void start() {
    spark = SparkSession.builder().master("local[1]").appName("validation-tests")
        .config("spark.ui.enabled", "false").config("spark.sql.session.timeZone", "UTC").getOrCreate();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void aWellFormedTradeIsValid() {
    Row verdict = verdict(valid());
    assertEquals(List.of(), verdict.getList(verdict.fieldIndex("error_reasons")));
    assertTrue(verdict.<Boolean>getAs("is_valid"));
    assertNull(verdict.getAs("error_reason"));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', nullValues = "NULL", value = {
      "1|",
      "0.000000000000000001|",                             // 18 decimals: fits exactly
      "99999999999999999999.999999999999999999|",          // 20 integer digits, 18 decimals: the maximum
      "00000000000000000000000001.5|",                     // leading zeros are not digits of the value
      "1.500000000000000000000000|",                       // trailing zeros are not significant decimals
      "+5|", ".5|", "5.|",
      "0.0000000000000000001|price_out_of_range",          // 19 significant decimals would round
      "100000000000000000000|price_out_of_range",          // 21 integer digits would overflow
      "0|price_must_be_positive", "0.000|price_must_be_positive", "-0.0|price_must_be_positive",
      "-0.00000001|price_must_be_positive",
      "abc|price_not_numeric", "1e5|price_not_numeric", "NaN|price_not_numeric", "Infinity|price_not_numeric",
      "12,5|price_not_numeric", "|price_not_numeric", "' 1'|price_not_numeric", "1.2.3|price_not_numeric",
      "--1|price_not_numeric", ".|price_not_numeric",
      "NULL|price_not_numeric"})
  void priceRules(String price, String expected) {
    assertReasons(with(valid(), "price_text", price), expected);
    assertReasons(with(valid(), "quantity_text", price), expected == null ? null : expected.replace("price", "quantity"));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', nullValues = "NULL", value = {
      "BTCUSDT|", "X|", "|symbol_required", "'   '|symbol_required", "NULL|symbol_required"})
  void symbolRule(String symbol, String expected) {
    assertReasons(with(valid(), "symbol", symbol), expected);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', nullValues = "NULL", value = {
      "BUY|", "SELL|", "buy|invalid_side", "HOLD|invalid_side", "|invalid_side", "NULL|invalid_side"})
  void sideRule(String side, String expected) {
    assertReasons(with(valid(), "side", side), expected);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "5000|", "5001|timestamp_in_future", "-31536000000|", "-31536000001|timestamp_too_old"})
  void timeRulesCompareWithTheKafkaTimestamp(long offsetMillis, String expected) {
    assertReasons(with(valid(), "timestamp", Timestamp.from(KAFKA_TIME.plusMillis(offsetMillis))), expected);
  }

  @Test
  void toleranceAndMaxAgeAreConfigurable() {
    TradeValidator strict = new TradeValidator(new ValidationConfig(Duration.ZERO, Duration.ofHours(1)));
    Object[] oneMsAhead = with(valid(), "timestamp", Timestamp.from(KAFKA_TIME.plusMillis(1)));
    Object[] twoHoursOld = with(valid(), "timestamp", Timestamp.from(KAFKA_TIME.minusSeconds(7200)));
    assertEquals(List.of("timestamp_in_future"), reasons(strict, oneMsAhead));
    assertEquals(List.of("timestamp_too_old"), reasons(strict, twoHoursOld));
    assertEquals(List.of(), reasons(validator, twoHoursOld));
  }

  @Test
  void guardsForFutureAdapters() {
    assertReasons(with(valid(), "trade_id", null), "trade_id_required");
    assertReasons(with(valid(), "message_id", null), "message_id_required");
    assertReasons(with(valid(), "asset_class", "equity"), "invalid_asset_class");
  }

  @ParameterizedTest
  @ValueSource(strings = {"invalid_wire_format", "unknown_schema_id", "avro_decode_failed"})
  void aDeserializationFailureIsTheOnlyReason(String reason) {
    Object[] undecoded = new Object[INPUT.size()];
    undecoded[0] = reason;
    Row verdict = verdict(undecoded);
    assertEquals(List.of(reason), verdict.getList(verdict.fieldIndex("error_reasons")));
    assertEquals("deserialization", verdict.getAs("error_type"));
  }

  /** NULL in any column never makes a record valid and never leaves it without a reason. */
  @Test
  void nullInEveryInputColumnIsAFailureWithAReason() {
    Map<String, String> expected = new LinkedHashMap<>();
    expected.put("price_text", "price_not_numeric");
    expected.put("quantity_text", "quantity_not_numeric");
    expected.put("symbol", "symbol_required");
    expected.put("side", "invalid_side");
    expected.put("timestamp", "timestamp_in_future");
    expected.put("kafka_timestamp", "timestamp_in_future");
    expected.put("trade_id", "trade_id_required");
    expected.put("message_id", "message_id_required");
    expected.put("asset_class", "invalid_asset_class");
    expected.forEach((column, reason) -> {
      Row verdict = verdict(with(valid(), column, null));
      assertEquals(reason, verdict.getAs("error_reason"), column);
      assertEquals(false, verdict.getAs("is_valid"), column);
    });
    Row allNull = verdict(new Object[INPUT.size()]);
    assertEquals(false, allNull.getAs("is_valid"));
    assertEquals(List.of("price_not_numeric", "quantity_not_numeric", "symbol_required", "invalid_side",
        "timestamp_in_future", "timestamp_too_old", "trade_id_required", "message_id_required",
        "invalid_asset_class"), allNull.getList(allNull.fieldIndex("error_reasons")));
  }

  @Test
  void theFirstFailingRuleInTableOrderIsTheReasonAndEveryFailureIsListed() {
    Object[] row = with(with(with(valid(), "side", "HOLD"), "price_text", "-3"), "symbol", "");
    Row verdict = verdict(row);
    assertEquals("price_must_be_positive", verdict.getAs("error_reason"));
    assertEquals("price_validation", verdict.getAs("error_type"));
    assertEquals(List.of("price_must_be_positive", "symbol_required", "invalid_side"),
        verdict.getList(verdict.fieldIndex("error_reasons")));
  }

  @Test
  void exactDecimalsKeepEveryDigit() {
    Dataset<Row> df = spark.createDataFrame(List.of(RowFactory.create("12345678901234567890.123456789012345678"),
        RowFactory.create("0.000000012300000000")), new StructType().add("t", DataTypes.StringType));
    List<Row> rows = df.select(Decimals.exact(df.col("t")).as("d")).collectAsList();
    assertEquals(new BigDecimal("12345678901234567890.123456789012345678"), rows.get(0).getDecimal(0));
    assertEquals(0, new BigDecimal("0.0000000123").compareTo(rows.get(1).getDecimal(0)));
  }

  /**
   * Generated numeric texts around both limits (integer digits 0 to 23 behind up to 3 leading zeros, decimals 0
   * to 21 with up to 3 trailing zeros, signs, "5." and ".5" forms): fits says what BigDecimal says.
   */
  @Test
  void fitsAgreesWithBigDecimalOnGeneratedNumbers() {
    java.util.Random random = new java.util.Random(38);
    List<Row> texts = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      String sign = List.of("", "", "+", "-").get(random.nextInt(4));
      String integer = "0".repeat(random.nextInt(4)) + digits(random, random.nextInt(24), true);
      String decimals = digits(random, random.nextInt(22), false) + "0".repeat(random.nextInt(4));
      String point = decimals.isEmpty() && random.nextBoolean() ? "" : ".";
      String text = sign + integer + point + decimals;
      if (!text.replaceAll("[+.-]", "").isEmpty()) {
        texts.add(RowFactory.create(text));
      }
    }
    Dataset<Row> df = spark.createDataFrame(texts, new StructType().add("t", DataTypes.StringType));
    List<Row> verdicts = df.select(df.col("t"), Decimals.isNumeric(df.col("t")), Decimals.fits(df.col("t")))
        .collectAsList();
    BigDecimal integerLimit = BigDecimal.TEN.pow(Decimals.PRECISION - Decimals.SCALE);
    for (Row verdict : verdicts) {
      BigDecimal value = new BigDecimal(verdict.getString(0));
      boolean fits = value.abs().compareTo(integerLimit) < 0 && value.stripTrailingZeros().scale() <= Decimals.SCALE;
      assertTrue(verdict.getBoolean(1), verdict.getString(0));
      assertEquals(fits, verdict.getBoolean(2), verdict.getString(0));
    }
  }

  private static String digits(java.util.Random random, int n, boolean noLeadingZero) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < n; i++) {
      s.append(i == 0 && noLeadingZero ? 1 + random.nextInt(9) : random.nextInt(10));
    }
    return s.toString();
  }

  private void assertReasons(Object[] row, String expectedFirst) {
    List<String> reasons = reasons(validator, row);
    if (expectedFirst == null) {
      assertEquals(List.of(), reasons, Arrays.toString(row));
    } else {
      assertEquals(List.of(expectedFirst), reasons, Arrays.toString(row));
    }
  }

  private List<String> reasons(TradeValidator v, Object[] row) {
    Row verdict = verdict(v, row);
    return verdict.getList(verdict.fieldIndex("error_reasons"));
  }

  private Row verdict(Object[] row) {
    return verdict(validator, row);
  }

  private static Row verdict(TradeValidator v, Object[] values) {
    Dataset<Row> input = spark.createDataFrame(List.of(RowFactory.create(values)), INPUT);
    Dataset<Row> checked = v.validate(input);
    return checked.collectAsList().get(0);
  }

  private static Object[] valid() {
    return new Object[] {null, "67000.12", "0.015", "BTCUSDT", "BUY", Timestamp.from(KAFKA_TIME.minusMillis(20)),
        Timestamp.from(KAFKA_TIME), "BINANCE-1", "6a1f0b1e-0000-3000-8000-000000000000", "crypto"};
  }

  private static Object[] with(Object[] row, String column, Object value) {
    List<Object> copy = new ArrayList<>(Arrays.asList(row));
    copy.set(INPUT.fieldIndex(column), value);
    return copy.toArray();
  }
}
