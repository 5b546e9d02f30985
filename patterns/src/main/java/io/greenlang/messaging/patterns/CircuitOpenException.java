package io.greenlang.messaging.patterns;

import java.time.Duration;
import java.time.temporal.ChronoUnit;

import io.greenlang.messaging.Durations;
import io.greenlang.messaging.MessagingException;

/**
 * A {@link CircuitBreaker} refused a call without making it: it is OPEN, or HALF_OPEN with every trial call
 * taken. Try again after {@link #retryAfter()}.
 */
public class CircuitOpenException extends MessagingException {
    private static final long serialVersionUID = 1L;

    private final String breaker;
    private final CircuitBreaker.State state;
    private final Duration retryAfter;

    public CircuitOpenException(String breaker, CircuitBreaker.State state, Duration retryAfter) {
        super("Circuit breaker '" + breaker + "' is " + state + " and refused the call"
                + (retryAfter.isZero() ? "; its trial calls are taken" : "; it allows a trial call in "
                        + Durations.format(retryAfter.truncatedTo(ChronoUnit.MILLIS)))
                + ".");
        this.breaker = breaker;
        this.state = state;
        this.retryAfter = retryAfter;
    }

    /** The name of the breaker that refused. */
    public String breaker() {
        return breaker;
    }

    /** OPEN or HALF_OPEN. */
    public CircuitBreaker.State state() {
        return state;
    }

    /** How long until the breaker lets a trial call through; zero when HALF_OPEN. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
