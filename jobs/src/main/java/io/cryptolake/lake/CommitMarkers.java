package io.cryptolake.lake;

/**
 * The keys the product writes into Iceberg snapshot summaries: who made a commit and what it holds. Readers
 * (reconcile, the batch idempotence check, an operator's SQL on {@code <table>.snapshots}) find them here.
 */
public final class CommitMarkers {
  /** The job and streaming query (or the batch command) that made the commit. */
  public static final String WRITER = "cryptolake.writer";
  /** The micro-batch the commit belongs to, with {@link #WRITER}: what makes an append idempotent. */
  public static final String BATCH_ID = "cryptolake.batch-id";
  /** On gold: a commit of late rows written through; its added-records are those rows. */
  public static final String LATE_MERGE = "cryptolake.late-merge";
  /** On gold's appends: the batch's rows dropped as duplicates. */
  public static final String DUPLICATES_REMOVED = "cryptolake.duplicates-removed";
  /** On silver's appends: the batch's valid rows. */
  public static final String VALID_ROWS = "cryptolake.valid-rows";
  /** The DLQ replay's {@link #WRITER}. */
  public static final String DLQ_REPLAY = "dlq-replay";

  private static final String DLQ_REASON_PREFIX = "cryptolake.dlq.";

  private CommitMarkers() {}

  /** On the DLQ's appends: the batch's rows with this error_reason. */
  public static String dlqReason(String reason) {
    return DLQ_REASON_PREFIX + reason;
  }
}
