package io.greenlang.messaging.benchmarks.jmh;

import java.time.Instant;
import java.util.List;

/** A typical agent record, the object the codec benchmarks encode; {@code sources} sets its size. */
public record EmissionReading(String facility, String scope, double tonnesCo2e, Instant measuredAt,
        List<String> sources) {
}
