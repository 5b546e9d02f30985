package io.greenlang.messaging.cli;

import java.util.List;

/**
 * An ESG-analysis task as the demo's intake agent publishes it: a year of monthly readings of one metric at one
 * site, in one unit. See {@link Emissions} for the sample tasks and their conversion to tCO2e.
 */
record EsgTask(int taskNo, String siteId, String metric, String unit, List<Double> readings, String reportingPeriod) {
}
