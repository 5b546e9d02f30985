package io.greenlang.messaging.benchmarks;

import io.greenlang.messaging.BrokerConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What to measure and how much: the broker, payload sizes, scenarios and their sizes. Immutable; build with
 * {@link #builder(BrokerConfig)}. The defaults are the published figures' settings; tests shrink them.
 */
public final class BenchConfig {
    private final BrokerConfig broker;
    private final List<Integer> payloadSizes;
    private final Set<Scenario> scenarios;
    private final int messages;
    private final int batchSize;
    private final int repeat;
    private final boolean warmup;
    private final int rate;
    private final Duration latencyDuration;
    private final Duration latencyWarmup;
    private final int heapMessages;
    private final Duration heapSampleInterval;
    private final int maxInFlight;
    private final boolean baseline;
    private final int forks;
    private final Set<String> targets;
    private final Duration timeout;

    private BenchConfig(Builder b) {
        this.broker = b.broker;
        this.payloadSizes = List.copyOf(b.payloadSizes);
        this.scenarios = Set.copyOf(b.scenarios);
        this.messages = b.messages;
        this.batchSize = b.batchSize;
        this.repeat = b.repeat;
        this.warmup = b.warmup;
        this.rate = b.rate;
        this.latencyDuration = b.latencyDuration;
        this.latencyWarmup = b.latencyWarmup;
        this.heapMessages = b.heapMessages;
        this.heapSampleInterval = b.heapSampleInterval;
        this.maxInFlight = b.maxInFlight;
        this.baseline = b.baseline;
        this.forks = b.forks;
        this.targets = Set.copyOf(b.targets);
        this.timeout = b.timeout;
    }

    /** A builder with the default sizes, measuring the broker {@code broker} names. */
    public static Builder builder(BrokerConfig broker) {
        return new Builder(broker);
    }

    /** The broker measured through the library. */
    public BrokerConfig broker() {
        return broker;
    }

    /** Payload sizes in bytes, in the order measured; default 100 and 1024. */
    public List<Integer> payloadSizes() {
        return payloadSizes;
    }

    /** Whether {@code scenario} is to be run; default: every scenario. */
    /** The chosen scenarios. */
    public Set<Scenario> scenarios() {
        return scenarios;
    }

    public boolean runs(Scenario scenario) {
        return scenarios.contains(scenario);
    }

    /** Messages per throughput run (publish, drain, end-to-end); default 1,000,000. */
    public int messages() {
        return messages;
    }

    /** Messages per batch in {@link Scenario#PUBLISH_BATCH} and when pre-filling backlogs; default 100. */
    public int batchSize() {
        return batchSize;
    }

    /** Measured runs per throughput scenario and target; the median is reported. Default 3. */
    public int repeat() {
        return repeat;
    }

    /** Whether every throughput scenario first runs once, unmeasured, with as many messages as a measured run. */
    public boolean warmup() {
        return warmup;
    }

    /** Messages per second in {@link Scenario#LATENCY}; default 10,000. */
    public int rate() {
        return rate;
    }

    /** How long latency is recorded; default 10 s. */
    public Duration latencyDuration() {
        return latencyDuration;
    }

    /** How long each fixed-rate warm-up lasts (see {@link Benchmark}); default 5 s. */
    public Duration latencyWarmup() {
        return latencyWarmup;
    }

    /** Backlog size in {@link Scenario#HEAP}; default 1,000,000. */
    public int heapMessages() {
        return heapMessages;
    }

    /** How often the heap is measured (after a GC) while draining; default 250 ms. */
    public Duration heapSampleInterval() {
        return heapSampleInterval;
    }

    /**
     * The library subscriptions' {@code maxInFlight}; 0 (the default) keeps the library's default, as an
     * application that does not tune it would.
     */
    public int maxInFlight() {
        return maxInFlight;
    }

    /** Whether the raw-client baseline runs too; default {@code true}. */
    /**
     * How many JVMs each target runs in, one after the other and alternating between targets, each with its own
     * warm-up: a figure's runs are then those JVMs' medians. 0 runs every target in this JVM.
     */
    public int forks() {
        return forks;
    }

    /** Whether the target labelled {@code label} ({@code library}, {@code raw}, {@code raw+hash}, {@code peer}) runs. */
    public boolean runsTarget(String label) {
        return targets.isEmpty() || targets.contains(label);
    }

    /** The targets chosen by label; empty for all. */
    public Set<String> targets() {
        return targets;
    }

    public boolean baseline() {
        return baseline;
    }

    /** The longest a single run may take before the benchmark fails; default 2 minutes. */
    public Duration timeout() {
        return timeout;
    }

    @Override
    public String toString() {
        return "BenchConfig{broker=" + broker + ", payloadSizes=" + payloadSizes + ", scenarios=" + scenarios
                + ", messages=" + messages + ", batchSize=" + batchSize + ", repeat=" + repeat + ", warmup=" + warmup
                + ", rate=" + rate + ", latencyDuration=" + latencyDuration + ", latencyWarmup=" + latencyWarmup
                + ", heapMessages=" + heapMessages + ", maxInFlight=" + maxInFlight + ", baseline=" + baseline
                + ", forks=" + forks + ", targets=" + targets + "}";
    }

    /** Builds a {@link BenchConfig}; every setter validates its argument. */
    public static final class Builder {
        /** The smallest payload: the harness stamps two longs (send time and sequence) into every payload. */
        public static final int MIN_PAYLOAD = 16;
        /** Every target label, in table order. */
        public static final List<String> TARGETS = List.of("library", "raw", "raw+hash", "peer");

        private final BrokerConfig broker;
        private List<Integer> payloadSizes = List.of(100, 1024);
        private Set<Scenario> scenarios = EnumSet.allOf(Scenario.class);
        private int messages = 1_000_000;
        private int batchSize = 100;
        private int repeat = 3;
        private boolean warmup = true;
        private int rate = 10_000;
        private Duration latencyDuration = Duration.ofSeconds(10);
        private Duration latencyWarmup = Duration.ofSeconds(5);
        private int heapMessages = 1_000_000;
        private Duration heapSampleInterval = Duration.ofMillis(250);
        private int maxInFlight;
        private boolean baseline = true;
        private int forks;
        private Set<String> targets = Set.of();
        private Duration timeout = Duration.ofMinutes(2);

        private Builder(BrokerConfig broker) {
            this.broker = Objects.requireNonNull(broker, "broker");
        }

        /** At least one size, each from {@value #MIN_PAYLOAD} bytes to 16 MiB. */
        public Builder payloadSizes(Collection<Integer> sizes) {
            List<Integer> copy = new ArrayList<>(Objects.requireNonNull(sizes, "sizes"));
            if (copy.isEmpty()) {
                throw new IllegalArgumentException("at least one payload size is needed");
            }
            for (Integer size : copy) {
                atLeast(Objects.requireNonNull(size, "size"), MIN_PAYLOAD, "payload size");
                if (size > 16 * 1024 * 1024) {
                    throw new IllegalArgumentException("payload size must be at most 16 MiB, was " + size);
                }
            }
            this.payloadSizes = copy;
            return this;
        }

        /** At least one scenario. */
        public Builder scenarios(Collection<Scenario> scenarios) {
            if (Objects.requireNonNull(scenarios, "scenarios").isEmpty()) {
                throw new IllegalArgumentException("at least one scenario is needed");
            }
            this.scenarios = EnumSet.copyOf(scenarios);
            return this;
        }

        public Builder messages(int messages) {
            this.messages = atLeast(messages, 1, "messages");
            return this;
        }

        public Builder batchSize(int batchSize) {
            this.batchSize = atLeast(batchSize, 1, "batch size");
            return this;
        }

        public Builder repeat(int repeat) {
            this.repeat = atLeast(repeat, 1, "repeat");
            return this;
        }

        public Builder warmup(boolean warmup) {
            this.warmup = warmup;
            return this;
        }

        /** From 1 to 10,000,000 messages per second. */
        public Builder rate(int rate) {
            atLeast(rate, 1, "rate");
            if (rate > 10_000_000) {
                throw new IllegalArgumentException("rate must be at most 10,000,000 msg/s, was " + rate);
            }
            this.rate = rate;
            return this;
        }

        /** Positive. */
        public Builder latencyDuration(Duration duration) {
            Objects.requireNonNull(duration, "duration");
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException("latency duration must be positive, was " + duration);
            }
            this.latencyDuration = duration;
            return this;
        }

        /** Not negative. */
        public Builder latencyWarmup(Duration duration) {
            this.latencyWarmup = notNegative(duration, "latency warm-up");
            return this;
        }

        public Builder heapMessages(int heapMessages) {
            this.heapMessages = atLeast(heapMessages, 1, "heap messages");
            return this;
        }

        /** At least 1 ms. */
        public Builder heapSampleInterval(Duration interval) {
            notNegative(interval, "heap sample interval");
            if (interval.toMillis() < 1) {
                throw new IllegalArgumentException("heap sample interval must be at least 1 ms, was " + interval);
            }
            this.heapSampleInterval = interval;
            return this;
        }

        /** 0 for the library's default, else from 1 to 65536. */
        public Builder maxInFlight(int maxInFlight) {
            if (maxInFlight < 0 || maxInFlight > 65536) {
                throw new IllegalArgumentException("max in flight must be from 0 to 65536, was " + maxInFlight);
            }
            this.maxInFlight = maxInFlight;
            return this;
        }

        /** 0 (every target in this JVM) to 20. */
        public Builder forks(int forks) {
            if (forks < 0 || forks > 20) {
                throw new IllegalArgumentException("forks must be from 0 to 20, was " + forks);
            }
            this.forks = forks;
            return this;
        }

        /** The targets to run, by label ({@code library}, {@code raw}, {@code raw+hash}, {@code peer}); empty for all. */
        public Builder targets(Collection<String> targets) {
            for (String t : targets) {
                if (!TARGETS.contains(t)) {
                    throw new IllegalArgumentException("Unknown target '" + t + "'. Valid targets: "
                            + String.join(", ", TARGETS) + ".");
                }
            }
            this.targets = Set.copyOf(targets);
            return this;
        }

        public Builder baseline(boolean baseline) {
            this.baseline = baseline;
            return this;
        }

        /** Positive. */
        public Builder timeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive, was " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        public BenchConfig build() {
            return new BenchConfig(this);
        }

        private static int atLeast(int value, int min, String name) {
            if (value < min) {
                throw new IllegalArgumentException(name + " must be at least " + min + ", was " + value);
            }
            return value;
        }

        private static Duration notNegative(Duration d, String name) {
            Objects.requireNonNull(d, name);
            if (d.isNegative()) {
                throw new IllegalArgumentException(name + " must not be negative, was " + d);
            }
            return d;
        }
    }
}
