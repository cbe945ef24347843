package io.cryptolake.streaming;

/**
 * How a streaming job runs: where its checkpoints live ({@code <checkpointRoot>/<job-name>/}) and how often
 * a micro-batch starts.
 */
public record StreamConfig(String checkpointRoot, String triggerInterval) {
  public String checkpointFor(String jobName) {
    String root = checkpointRoot.endsWith("/") ? checkpointRoot.substring(0, checkpointRoot.length() - 1) : checkpointRoot;
    return root + "/" + jobName;
  }
}
