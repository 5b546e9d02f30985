package io.greenlang.messaging.spi.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.greenlang.messaging.MessagingException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CommandRetryTest {
    /** A failure the server did not act on, in these tests. */
    static final class Transient extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Transient(String message) {
            super(message);
        }
    }

    private final CommandRetry retry = new CommandRetry(Duration.ofSeconds(10), e -> e instanceof Transient);

    @Test
    void runsAgainAfterTransientFailuresUntilItSucceeds() {
        AtomicInteger calls = new AtomicInteger();
        String result = retry.run("test", () -> {
            if (calls.incrementAndGet() < 3) {
                throw new Transient("not connected");
            }
            return "done";
        });
        assertThat(result).isEqualTo("done");
        assertThat(calls).hasValue(3);
    }

    @Test
    void anyOtherFailureIsThrownAtOnce() {
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> retry.run("test", () -> {
            calls.incrementAndGet();
            throw new IllegalStateException("refused");
        })).isInstanceOf(IllegalStateException.class).hasMessage("refused");
        assertThat(calls).hasValue(1);
    }

    @Test
    void givesUpWithTheLastFailureOnceTheBudgetIsSpent() {
        CommandRetry short_ = new CommandRetry(Duration.ofMillis(100), e -> e instanceof Transient);
        AtomicInteger calls = new AtomicInteger();
        long start = System.nanoTime();
        assertThatThrownBy(() -> short_.run("test", () -> {
            throw new Transient("attempt " + calls.incrementAndGet());
        })).isInstanceOf(Transient.class).hasMessage("attempt " + calls.get());
        // pauses of 20, 40 ms fit in 100 ms; the next (80 ms) would not: at most 3 attempts, whatever the load
        assertThat(calls.get()).isBetween(1, 3);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void aZeroBudgetRunsOnce() {
        AtomicInteger calls = new AtomicInteger();
        CommandRetry none = new CommandRetry(Duration.ZERO, e -> true);
        assertThatThrownBy(() -> none.run("test", () -> {
            calls.incrementAndGet();
            throw new Transient("down");
        })).isInstanceOf(Transient.class);
        assertThat(calls).hasValue(1);
    }

    @Test
    void pausesDoubleFrom20MsUpTo500Ms() {
        Duration p = CommandRetry.FIRST_PAUSE;
        assertThat(p).isEqualTo(Duration.ofMillis(20));
        StringBuilder seen = new StringBuilder();
        for (int i = 0; i < 7; i++) {
            seen.append(p.toMillis()).append(' ');
            p = CommandRetry.next(p);
        }
        assertThat(seen.toString().trim()).isEqualTo("20 40 80 160 320 500 500");
    }

    @Test
    void anInterruptDuringAPauseIsAMessagingExceptionAndKeepsTheFlag() {
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> retry.run("publish", () -> {
                throw new Transient("not connected");
            })).isInstanceOf(MessagingException.class).hasMessageContaining("Interrupted")
                    .hasCauseInstanceOf(Transient.class);
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }
}
