package io.greenlang.messaging.spi.metrics;

import io.greenlang.messaging.MetricsSnapshot;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.BaseUnits;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * A broker's counters and latencies, cheap to record on the hot path, readable without Micrometer through
 * {@link #snapshot()} and exposed in any Micrometer registry through {@link #bindTo(MeterRegistry)}.
 *
 * <p>Counters are {@link LongAdder}s: recording takes no lock and looks nothing up. Latencies go to an
 * HdrHistogram recorder for {@link #snapshot()} (percentiles 0.5, 0.95 and 0.99 over a sliding window of about
 * two minutes), and to a Micrometer {@link Timer} with the same client-side percentiles in each bound registry;
 * with no registry bound, no Micrometer code runs on the hot path.
 *
 * <p>Meters, each tagged {@code backend} and {@code broker}: the counters {@value #PUBLISHED},
 * {@value #DELIVERED}, {@value #ACKED}, {@value #RETRIED}, {@value #DEAD_LETTERED}, {@value #EXPIRED} and
 * {@value #FAILED} (base unit {@code messages}), and the timers {@value #PUBLISH_LATENCY} and
 * {@value #END_TO_END_LATENCY}.
 *
 * <p>Thread-safe.
 */
public final class BrokerMetrics implements AutoCloseable {
    public static final String PUBLISHED = "greenlang.messaging.published";
    public static final String DELIVERED = "greenlang.messaging.delivered";
    public static final String ACKED = "greenlang.messaging.acked";
    public static final String RETRIED = "greenlang.messaging.retried";
    public static final String DEAD_LETTERED = "greenlang.messaging.dead.lettered";
    public static final String EXPIRED = "greenlang.messaging.expired";
    public static final String FAILED = "greenlang.messaging.failed";
    public static final String PUBLISH_LATENCY = "greenlang.messaging.publish.latency";
    public static final String END_TO_END_LATENCY = "greenlang.messaging.end.to.end.latency";

    private static final double[] PERCENTILES = {0.5, 0.95, 0.99};

    private final LongAdder published = new LongAdder();
    private final LongAdder delivered = new LongAdder();
    private final LongAdder acked = new LongAdder();
    private final LongAdder retried = new LongAdder();
    private final LongAdder deadLettered = new LongAdder();
    private final LongAdder expired = new LongAdder();
    private final LongAdder failed = new LongAdder();

    private final Tags tags;
    private final LatencyWindow publishWindow = new LatencyWindow();
    private final LatencyWindow endToEndWindow = new LatencyWindow();
    /** The timers of the bound registries, replaced whole on every change. */
    private volatile Timer[] publishTimers = new Timer[0];
    private volatile Timer[] endToEndTimers = new Timer[0];

    /** Guarded by {@code this}. */
    private final Map<MeterRegistry, List<Meter>> bound = new IdentityHashMap<>();
    private boolean closed;

    /**
     * Metrics tagged {@code backend=<backend>} and {@code broker=<brokerName>}.
     *
     * @param brokerName a name for the broker instance; it becomes a tag value, so it must not hold secrets
     *     (use {@code BrokerConfig.redactedUrl()} or a configured name, never the URL)
     */
    public BrokerMetrics(String backend, String brokerName) {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(brokerName, "brokerName");
        this.tags = Tags.of("backend", backend, "broker", brokerName);
    }

    /**
     * Counts {@code count} messages the broker confirmed stored.
     *
     * @throws IllegalArgumentException if {@code count} is negative
     */
    public void published(int count) {
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative, was " + count);
        }
        published.add(count);
    }

    /** Records the time from a publish call to the broker's confirmation; a negative value counts as 0. */
    public void publishLatency(long nanos) {
        record(nanos, System.nanoTime(), publishWindow, publishTimers);
    }

    /**
     * Counts {@code count} confirmed publishes and records the time since their publish call, at
     * {@code startNanos} by {@link System#nanoTime()}: the clock is read once, here.
     */
    public void publishedSince(int count, long startNanos) {
        published(count);
        long now = System.nanoTime();
        record(now - startNanos, now, publishWindow, publishTimers);
    }

    /** Counts one handler invocation, retries included. */
    public void delivered() {
        delivered.increment();
    }

    /**
     * Records the time from a message's creation to the start of its handling; a negative value (clocks out of
     * step between hosts) counts as 0.
     */
    public void endToEndLatency(long nanos) {
        endToEndLatency(nanos, System.nanoTime());
    }

    /**
     * As {@link #endToEndLatency(long)}, for a caller that has just read {@link System#nanoTime()} as
     * {@code nowNanos}.
     */
    public void endToEndLatency(long nanos, long nowNanos) {
        record(nanos, nowNanos, endToEndWindow, endToEndTimers);
    }

    /** {@code nowNanos}: a {@link System#nanoTime()} reading, which the window's slots go by. */
    private static void record(long nanos, long nowNanos, LatencyWindow window, Timer[] timers) {
        long value = Math.max(0, nanos);
        window.record(value, nowNanos);
        for (Timer timer : timers) {
            timer.record(value, TimeUnit.NANOSECONDS);
        }
    }

    /** Counts one acknowledged message. */
    public void acked() {
        acked.increment();
    }

    /** Counts one failure scheduled for another attempt. */
    public void retried() {
        retried.increment();
    }

    /** Counts one message moved to a dead-letter queue, for whatever reason. */
    public void deadLettered() {
        deadLettered.increment();
    }

    /** Counts one message found past its expiry instead of being delivered. */
    public void expired() {
        expired.increment();
    }

    /** Counts one failed handler invocation (it threw or rejected the message). */
    public void failed() {
        failed.increment();
    }

    /**
     * The counters since creation and the latency percentiles of the sliding window. Works before, during and
     * after {@link #close()}. Does not block recording.
     */
    public MetricsSnapshot snapshot() {
        return new MetricsSnapshot(published.sum(), delivered.sum(), acked.sum(), retried.sum(),
                deadLettered.sum(), expired.sum(), failed.sum(), publishWindow.summary(),
                endToEndWindow.summary());
    }

    /**
     * Exposes every meter in {@code registry}: the counters as {@link FunctionCounter}s reading the same
     * adders, and the timers, which record into {@code registry} from now on. Binding a registry twice does
     * nothing more.
     *
     * @throws IllegalStateException if these metrics are closed
     */
    public synchronized void bindTo(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        if (closed) {
            throw new IllegalStateException("These broker metrics are closed (the broker was closed); bind the "
                    + "registry to an open broker");
        }
        if (bound.containsKey(registry)) {
            return;
        }
        List<Meter> meters = new ArrayList<>(9);
        meters.add(counter(PUBLISHED, published, "Messages the broker confirmed stored", registry));
        meters.add(counter(DELIVERED, delivered, "Handler invocations, retries included", registry));
        meters.add(counter(ACKED, acked, "Messages acknowledged", registry));
        meters.add(counter(RETRIED, retried, "Failures scheduled for another attempt", registry));
        meters.add(counter(DEAD_LETTERED, deadLettered, "Messages moved to a dead-letter queue", registry));
        meters.add(counter(EXPIRED, expired, "Messages found expired instead of being delivered", registry));
        meters.add(counter(FAILED, failed, "Handler invocations that failed", registry));
        Timer publishTimer = publishTimerBuilder().register(registry);
        Timer endToEndTimer = endToEndTimerBuilder().register(registry);
        meters.add(publishTimer);
        meters.add(endToEndTimer);
        bound.put(registry, meters);
        publishTimers = append(publishTimers, publishTimer);
        endToEndTimers = append(endToEndTimers, endToEndTimer);
    }

    /**
     * Removes every meter from the registries it was bound to and stops recording into them. Recording and
     * {@link #snapshot()} go on working on the private registry. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        publishTimers = new Timer[0];
        endToEndTimers = new Timer[0];
        bound.forEach((registry, meters) -> meters.forEach(registry::remove));
        bound.clear();
    }

    @Override
    public String toString() {
        return "BrokerMetrics" + tags.stream().map(t -> t.getKey() + "=" + t.getValue()).toList();
    }

    private Timer.Builder publishTimerBuilder() {
        return Timer.builder(PUBLISH_LATENCY)
                .description("Time from a publish call to the broker's confirmation")
                .tags(tags)
                .publishPercentiles(PERCENTILES);
    }

    private Timer.Builder endToEndTimerBuilder() {
        return Timer.builder(END_TO_END_LATENCY)
                .description("Time from a message's creation to the start of its handling")
                .tags(tags)
                .publishPercentiles(PERCENTILES);
    }

    private FunctionCounter counter(String name, LongAdder adder, String description, MeterRegistry registry) {
        return FunctionCounter.builder(name, adder, LongAdder::sum)
                .description(description)
                .baseUnit(BaseUnits.MESSAGES)
                .tags(tags)
                .register(registry);
    }

    private static Timer[] append(Timer[] timers, Timer timer) {
        Timer[] more = Arrays.copyOf(timers, timers.length + 1);
        more[timers.length] = timer;
        return more;
    }
}
