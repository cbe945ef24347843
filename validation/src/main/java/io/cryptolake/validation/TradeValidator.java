package io.cryptolake.validation;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.try_element_at;
import static org.apache.spark.sql.functions.when;

import io.cryptolake.schemas.DlqReason;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * The rules of spec section 4 as Spark column expressions: the one implementation both silver jobs and the
 * DLQ replay use. Every rule is evaluated; a rule passes only when it is explicitly TRUE, so a NULL can
 * never make a record vanish from both outputs. The verdict is one array, {@code error_reasons}: empty
 * means valid, otherwise its first element is {@code error_reason}.
 *
 * <p>Input columns: {@code decode_error} (a deserialization reason, or NULL when the record decoded),
 * {@code price_text}, {@code quantity_text}, {@code symbol}, {@code side}, {@code timestamp},
 * {@code kafka_timestamp}, {@code trade_id}, {@code message_id}, {@code asset_class}. It adds {@code price} and
 * {@code quantity}, the texts' exact values ({@link Decimals#exact}).
 */
public final class TradeValidator {
  public static final String ERROR_REASONS = "error_reasons";
  public static final String ERROR_REASON = "error_reason";
  public static final String ERROR_TYPE = "error_type";
  public static final String IS_VALID = "is_valid";

  private static final DataType REASONS_TYPE = DataTypes.createArrayType(DataTypes.StringType, false);

  private final ValidationConfig config;

  public TradeValidator(ValidationConfig config) {
    this.config = config;
  }

  /**
   * The value rules, in the order that decides a record's first reason. A text fits when its exact value is not
   * NULL: the checks of {@link Decimals#exact} run once per value, not again in every rule that needs them (a
   * profile of silver found the number pattern matched several times per text).
   */
  public List<Rule> rules() {
    Column priceNumeric = Decimals.isNumeric(col("price_text"));
    Column quantityNumeric = Decimals.isNumeric(col("quantity_text"));
    Column priceFits = col("price").isNotNull();
    Column quantityFits = col("quantity").isNotNull();
    Column tolerance = expr("INTERVAL " + config.futureTolerance().toMillis() + " MILLISECONDS");
    Column maxAge = expr("INTERVAL " + config.maxAge().toSeconds() + " SECONDS");
    return List.of(
        new Rule(DlqReason.PRICE_NOT_NUMERIC, priceNumeric),
        // A rule that depends on an earlier one passes when that one already failed: one reason per fault.
        new Rule(DlqReason.PRICE_OUT_OF_RANGE, not(priceNumeric).or(priceFits)),
        new Rule(DlqReason.PRICE_MUST_BE_POSITIVE, not(priceFits).or(col("price").gt(0))),
        new Rule(DlqReason.QUANTITY_NOT_NUMERIC, quantityNumeric),
        new Rule(DlqReason.QUANTITY_OUT_OF_RANGE, not(quantityNumeric).or(quantityFits)),
        new Rule(DlqReason.QUANTITY_MUST_BE_POSITIVE, not(quantityFits).or(col("quantity").gt(0))),
        new Rule(DlqReason.SYMBOL_REQUIRED, length(trim(col("symbol"))).gt(0)),
        new Rule(DlqReason.INVALID_SIDE, col("side").isin("BUY", "SELL")),
        new Rule(DlqReason.TIMESTAMP_IN_FUTURE, col("timestamp").leq(col("kafka_timestamp").plus(tolerance))),
        new Rule(DlqReason.TIMESTAMP_TOO_OLD, col("timestamp").geq(col("kafka_timestamp").minus(maxAge))),
        new Rule(DlqReason.TRADE_ID_REQUIRED, col("trade_id").isNotNull()),
        new Rule(DlqReason.MESSAGE_ID_REQUIRED, col("message_id").isNotNull()),
        new Rule(DlqReason.INVALID_ASSET_CLASS, col("asset_class").equalTo("crypto")));
  }

  /**
   * Adds {@code price}, {@code quantity}, {@code error_reasons}, {@code error_reason}, {@code error_type} and
   * {@code is_valid}.
   */
  public Dataset<Row> validate(Dataset<Row> candidates) {
    List<Rule> rules = rules();
    // One single-element array per failed rule, concatenated: the same array as filtering out the passes, but
    // compiled by Spark's code generation (a lambda filter runs interpreted, row by row).
    Column none = array().cast(REASONS_TYPE);
    Column[] failures = rules.stream()
        .map(r -> when(coalesce(r.passes(), lit(false)), none).otherwise(array(lit(r.reason().reason()))))
        .toArray(Column[]::new);
    Column valueReasons = concat(failures);
    Column reasons = when(col("decode_error").isNotNull(), array(col("decode_error"))).otherwise(valueReasons);
    // One Dataset per level of dependency, not per column: Spark analyses every new Dataset's whole plan again,
    // on the driver, in every micro-batch (docs/benchmarks.md, round 25).
    Map<String, Column> exact = new LinkedHashMap<>();
    exact.put("price", Decimals.exact(col("price_text")));
    exact.put("quantity", Decimals.exact(col("quantity_text")));
    Column first = try_element_at(col(ERROR_REASONS), lit(1));
    Map<String, Column> verdict = new LinkedHashMap<>();
    verdict.put(ERROR_REASON, first);
    verdict.put(ERROR_TYPE, errorType(first));
    verdict.put(IS_VALID, size(col(ERROR_REASONS)).equalTo(0));
    return candidates.withColumns(exact).withColumn(ERROR_REASONS, reasons).withColumns(verdict);
  }

  /**
   * The error_type of a reason column, from the one reason-to-type table in {@link DlqReason}: one lookup in a
   * literal map (NULL for NULL or an unknown reason), which generates far less code per row than a branch per
   * reason.
   */
  public static Column errorType(Column reason) {
    Column[] entries = Arrays.stream(DlqReason.values())
        .flatMap(r -> Stream.of(lit(r.reason()), lit(r.type().value())))
        .toArray(Column[]::new);
    return try_element_at(map(entries), reason);
  }
}
