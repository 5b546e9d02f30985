package io.greenlang.messaging.cli;

import java.time.Instant;

/**
 * An analysis result as one of the demo's analysis workers publishes it; {@code taskMessageId},
 * {@code taskProvenance} and {@code taskCreatedAt} come from the task's message, for the auditor and the
 * end-to-end latency.
 */
record EsgResult(int taskNo, String siteId, String metric, double tonnesCo2e, String rating, String worker,
        int attempts, String taskMessageId, String taskProvenance, Instant taskCreatedAt) {
}
