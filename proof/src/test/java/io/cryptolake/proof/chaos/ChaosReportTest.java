package io.cryptolake.proof.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ChaosReportTest {
  @Test
  void aRestartsCauseIsTheServerThatDidNotAnswerWithItsWholeAddressElseTheFirstClause() {
    assertEquals("the catalog database at jdbc:postgresql://127.0.0.1:5433/iceberg", ChaosReport.shortCause(
        "the catalog database at jdbc:postgresql://127.0.0.1:5433/iceberg does not answer (for 2 s)"));
    assertEquals("the S3 API at http://127.0.0.1:9000", ChaosReport.shortCause(
        "the S3 API at http://127.0.0.1:9000 does not answer (for 12 s); the Schema Registry at http://x does not"));
    assertEquals("org.apache.iceberg.exceptions.CommitFailedException", ChaosReport.shortCause(
        "org.apache.iceberg.exceptions.CommitFailedException: a | b"));
    assertEquals("a / b", ChaosReport.shortCause("a | b"));
  }
}
