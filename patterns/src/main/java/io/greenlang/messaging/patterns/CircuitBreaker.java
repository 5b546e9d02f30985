package io.greenlang.messaging.patterns;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

import io.greenlang.messaging.MessageHandler;

/**
 * A circuit breaker: CLOSED lets calls through and counts consecutive failures; at
 * {@link CircuitBreakerOptions#failureThreshold()} it turns OPEN and refuses calls with
 * {@link CircuitOpenException}, without making them; after {@link CircuitBreakerOptions#coolDown()} it is
 * HALF_OPEN and lets {@link CircuitBreakerOptions#trialCalls()} calls through: if all succeed it closes, if
 * one fails it opens again for another cool-down.
 * <pre>{@code
 * CircuitBreaker breaker = CircuitBreaker.create(CircuitBreakerOptions.builder()
 *         .name("llm-agent").failureThreshold(3).coolDown(Duration.ofSeconds(10)).build());
 * CompletionStage<Message> answer = breaker.callAsync(() -> client.requestAsync("agents.llm", q, timeout));
 * broker.subscribe(options, breaker.protect(handler));     // around a handler
 * breaker.call(() -> broker.publish("esg.reports", report)); // around a publish
 * }</pre>
 *
 * <p>The outcome of a call only moves the state it was let through in: a slow call that started while
 * CLOSED and fails after the breaker opened changes nothing. The cool-down is measured with the options'
 * clock, so tests can drive it; the OPEN to HALF_OPEN change happens when the next call or
 * {@link #state()} looks.
 *
 * <p>Thread-safe: state changes are atomic under one lock; listeners run outside it.
 */
public final class CircuitBreaker {
    /** The breaker's states. */
    public enum State {
        /** Calls go through; failures are counted. */
        CLOSED,
        /** Calls are refused until the cool-down has passed. */
        OPEN,
        /** A limited number of trial calls go through to probe recovery. */
        HALF_OPEN
    }

    /**
     * A state change.
     *
     * @param breaker the breaker's name
     * @param at the clock's instant of the change
     */
    public record Transition(String breaker, State from, State to, Instant at) {
    }

    /**
     * Counters since the breaker was created.
     *
     * @param consecutiveFailures failures in a row while CLOSED
     * @param successes calls that succeeded
     * @param failures calls that failed
     * @param rejected calls refused with {@link CircuitOpenException}
     */
    public record Stats(State state, int consecutiveFailures, long successes, long failures, long rejected) {
    }

    /** Permission for one call: the generation of the state it was given in. */
    private record Permit(long generation) {
    }

    private final CircuitBreakerOptions options;
    private final Object lock = new Object();
    private State state = State.CLOSED;
    private long generation;
    private int consecutiveFailures;
    private Instant openedAt;
    private int trialsLeft;
    private int trialSuccesses;
    private long successes;
    private long failures;
    private long rejected;

    private CircuitBreaker(CircuitBreakerOptions options) {
        this.options = options;
    }

    public static CircuitBreaker create(CircuitBreakerOptions options) {
        return new CircuitBreaker(Objects.requireNonNull(options, "options"));
    }

    /** A breaker with default options and the given name. */
    public static CircuitBreaker create(String name) {
        return create(CircuitBreakerOptions.builder().name(name).build());
    }

    public String name() {
        return options.name();
    }

    public CircuitBreakerOptions options() {
        return options;
    }

    /** The current state; an OPEN breaker whose cool-down has passed reports (and becomes) HALF_OPEN. */
    public State state() {
        Transition t;
        State s;
        synchronized (lock) {
            t = coolDownElapsed();
            s = state;
        }
        notifyListener(t);
        return s;
    }

    public Stats stats() {
        synchronized (lock) {
            return new Stats(state, consecutiveFailures, successes, failures, rejected);
        }
    }

    /**
     * Runs {@code call} if the breaker allows it and records its outcome; its exception propagates.
     *
     * @throws CircuitOpenException if the breaker refuses the call; {@code call} is not run
     */
    public <T> T call(Supplier<T> call) {
        Objects.requireNonNull(call, "call");
        Permit permit = acquire();
        T result;
        try {
            result = call.get();
        } catch (RuntimeException | Error e) {
            record(permit, e);
            throw e;
        }
        record(permit, null);
        return result;
    }

    /** Runs {@code call} if the breaker allows it; see {@link #call(Supplier)}. */
    public void run(Runnable call) {
        Objects.requireNonNull(call, "call");
        call(() -> {
            call.run();
            return null;
        });
    }

    /**
     * Starts {@code call} if the breaker allows it and records the outcome of the stage it returns. A refusal is
     * a stage failed with {@link CircuitOpenException}, and {@code call} is not run.
     */
    public <T> CompletionStage<T> callAsync(Supplier<? extends CompletionStage<T>> call) {
        Objects.requireNonNull(call, "call");
        Permit permit;
        try {
            permit = acquire();
        } catch (CircuitOpenException e) {
            return CompletableFuture.failedFuture(e);
        }
        CompletionStage<T> stage;
        try {
            stage = Objects.requireNonNull(call.get(), "the call returned a null stage");
        } catch (RuntimeException | Error e) {
            record(permit, e);
            return CompletableFuture.failedFuture(e);
        }
        return stage.whenComplete((result, failure) -> record(permit, failure == null ? null : Payloads.unwrap(failure)));
    }

    /**
     * A handler that runs {@code handler} through this breaker: while the breaker refuses, the delivery fails
     * with {@link CircuitOpenException} without running {@code handler}, so the subscription's retry policy
     * brings the message back later.
     */
    public MessageHandler protect(MessageHandler handler) {
        Objects.requireNonNull(handler, "handler");
        return delivery -> {
            Permit permit = acquire();
            try {
                handler.handle(delivery);
            } catch (Exception | Error e) {
                record(permit, e);
                throw e;
            }
            record(permit, null);
        };
    }

    /**
     * Asks for permission for one call, for callers that record outcomes themselves with
     * {@link #onSuccess()} and {@link #onFailure(Throwable)}.
     *
     * @return whether the call may be made; a refusal is counted
     */
    public boolean tryAcquirePermission() {
        try {
            acquire();
            return true;
        } catch (CircuitOpenException e) {
            return false;
        }
    }

    /** Records a successful call made with {@link #tryAcquirePermission()}, in the current state. */
    public void onSuccess() {
        record(currentPermit(), null);
    }

    /** Records a call made with {@link #tryAcquirePermission()} that threw {@code failure}, in the current state. */
    public void onFailure(Throwable failure) {
        record(currentPermit(), Objects.requireNonNull(failure, "failure"));
    }

    /** Closes the breaker and clears its failure count; counters are kept. */
    public void reset() {
        Transition t;
        synchronized (lock) {
            t = moveTo(State.CLOSED);
        }
        notifyListener(t);
    }

    @Override
    public String toString() {
        return "CircuitBreaker{" + options.name() + ", " + stats() + "}";
    }

    private Permit currentPermit() {
        synchronized (lock) {
            return new Permit(generation);
        }
    }

    private Permit acquire() {
        Transition t;
        CircuitOpenException refusal = null;
        Permit permit = null;
        synchronized (lock) {
            t = coolDownElapsed();
            switch (state) {
                case CLOSED:
                    permit = new Permit(generation);
                    break;
                case HALF_OPEN:
                    if (trialsLeft > 0) {
                        trialsLeft--;
                        permit = new Permit(generation);
                    } else {
                        rejected++;
                        refusal = new CircuitOpenException(options.name(), state, Duration.ZERO);
                    }
                    break;
                default:
                    rejected++;
                    Duration left = Duration.between(options.clock().instant(), openedAt.plus(options.coolDown()));
                    refusal = new CircuitOpenException(options.name(), state, left.isNegative() ? Duration.ZERO : left);
            }
        }
        notifyListener(t);
        if (refusal != null) {
            throw refusal;
        }
        return permit;
    }

    private void record(Permit permit, Throwable failure) {
        boolean isFailure = failure != null && !(failure instanceof CircuitOpenException)
                && options.recordAsFailure().test(failure);
        Transition t = null;
        synchronized (lock) {
            if (isFailure) {
                failures++;
            } else {
                successes++;
            }
            if (permit.generation() != generation) {
                return; // let through in an earlier state: its outcome no longer moves the breaker
            }
            if (state == State.CLOSED) {
                if (isFailure) {
                    if (++consecutiveFailures >= options.failureThreshold()) {
                        t = moveTo(State.OPEN);
                    }
                } else {
                    consecutiveFailures = 0;
                }
            } else if (state == State.HALF_OPEN) {
                if (isFailure) {
                    t = moveTo(State.OPEN);
                } else if (++trialSuccesses >= options.trialCalls()) {
                    t = moveTo(State.CLOSED);
                }
            }
        }
        notifyListener(t);
    }

    /** OPEN becomes HALF_OPEN once the cool-down has passed. Called with the lock held. */
    private Transition coolDownElapsed() {
        if (state == State.OPEN && !options.clock().instant().isBefore(openedAt.plus(options.coolDown()))) {
            return moveTo(State.HALF_OPEN);
        }
        return null;
    }

    /** Called with the lock held; returns the transition to report, or null if the state did not change. */
    private Transition moveTo(State next) {
        State previous = state;
        Instant now = options.clock().instant();
        state = next;
        generation++;
        consecutiveFailures = 0;
        trialSuccesses = 0;
        trialsLeft = next == State.HALF_OPEN ? options.trialCalls() : 0;
        if (next == State.OPEN) {
            openedAt = now;
        }
        return previous == next ? null : new Transition(options.name(), previous, next, now);
    }

    private void notifyListener(Transition t) {
        if (t != null) {
            options.listener().accept(t);
        }
    }
}
