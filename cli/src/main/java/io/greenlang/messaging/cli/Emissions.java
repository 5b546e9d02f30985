package io.greenlang.messaging.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * The demo's emissions data: the sample tasks the intake agent publishes (the same ones on every run) and their
 * conversion to tonnes of CO2e with a fixed emission factor per unit, as the analysis workers do it.
 */
final class Emissions {
    /** The unit of the poison task: no emission factor converts it. */
    static final String POISON_UNIT = "furlongs";

    private static final String[] METRICS = {"scope1", "scope2", "scope3"};
    private static final String[] UNITS = {"litres-diesel", "kWh", "tonne-km"};
    private static final double[] FACTORS = {0.00268, 0.000233, 0.000105}; // tCO2e per unit

    private Emissions() {
    }

    /** Task {@code taskNo} of a run whose poison task is {@code poisonTask} (0 for none). */
    static EsgTask task(int taskNo, int poisonTask) {
        int kind = taskNo % METRICS.length;
        List<Double> readings = new ArrayList<>(12);
        int site = taskNo % 25 + 1;
        double scale = site * (kind == 0 ? 0.02 : kind == 1 ? 0.5 : 1.0); // sites differ in size and kind
        long seed = taskNo * 2654435761L;
        for (int month = 0; month < 12; month++) {
            seed = seed * 6364136223846793005L + 1442695040888963407L;
            readings.add(Math.round(scale * (1000 + (seed >>> 33) % 9000) * 10) / 10.0);
        }
        String unit = taskNo == poisonTask ? POISON_UNIT : UNITS[kind];
        return new EsgTask(taskNo, "site-" + site, METRICS[kind], unit, readings, "2025");
    }

    /**
     * The emission factor of the task's unit, in tCO2e per unit.
     *
     * @throws IllegalArgumentException if no factor converts the task's unit (the poison task)
     */
    static double factorOf(EsgTask task) {
        for (int i = 0; i < UNITS.length; i++) {
            if (UNITS[i].equals(task.unit())) {
                return FACTORS[i];
            }
        }
        throw new IllegalArgumentException("task " + task.taskNo() + ": unknown unit '" + task.unit()
                + "', cannot convert to tCO2e");
    }

    /** The task's readings in tCO2e with {@code factor}, to three decimals. */
    static double tonnesCo2e(EsgTask task, double factor) {
        double sum = task.readings().stream().mapToDouble(Double::doubleValue).sum();
        return Math.round(sum * factor * 1000) / 1000.0;
    }

    /** The rating of a result: A below 10 tCO2e, B, C and D below 25, 50 and 100, E from 100 up. */
    static String rating(double tonnes) {
        if (tonnes < 10) {
            return "A";
        } else if (tonnes < 25) {
            return "B";
        } else if (tonnes < 50) {
            return "C";
        } else if (tonnes < 100) {
            return "D";
        }
        return "E";
    }
}
