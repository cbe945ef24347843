package io.cryptolake.validation;

import io.cryptolake.schemas.DlqReason;
import org.apache.spark.sql.Column;

/** One validation rule: the reason it gives and a column that is TRUE when the record passes. */
public record Rule(DlqReason reason, Column passes) {}
