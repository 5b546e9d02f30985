package io.greenlang.messaging.spi.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.greenlang.messaging.spi.metrics.BrokerMetrics;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class PublishFutureTest {
    private final BrokerMetrics metrics = new BrokerMetrics("test", "test");

    @Test
    void countsASuccessBeforeWhatWaitsOnItRuns() {
        PublishFuture<String> future = new PublishFuture<>(metrics, 3, System.nanoTime());
        long[] seen = new long[1];
        future.thenRun(() -> seen[0] = metrics.snapshot().published());

        future.succeed("ok");

        assertThat(future.join()).isEqualTo("ok");
        assertThat(seen[0]).isEqualTo(3);
        assertThat(metrics.snapshot().publishLatency().count()).isEqualTo(1);
    }

    @Test
    void countsNothingForAFailureOrAPublishAlreadySettled() {
        PublishFuture<String> failed = new PublishFuture<>(metrics, 1, System.nanoTime());
        PublishFuture<String> cancelled = new PublishFuture<>(metrics, 1, System.nanoTime());
        cancelled.cancel(false);

        failed.fail(new IllegalStateException("refused"));
        failed.succeed("late");
        cancelled.succeed("late");

        assertThat(metrics.snapshot().published()).isZero();
        assertThatThrownBy(failed::join).hasCauseInstanceOf(IllegalStateException.class);
    }

    @Test
    void failsWithTheCauseOfACompletionException() {
        PublishFuture<String> future = new PublishFuture<>(metrics, 1, System.nanoTime());
        IllegalStateException cause = new IllegalStateException("refused");

        future.fail(new CompletionException(cause));

        assertThatThrownBy(future::get).isInstanceOf(ExecutionException.class).hasCause(cause);
    }

    @Test
    void settlesAsAStageSettles() {
        CompletableFuture<String> ok = new CompletableFuture<>();
        CompletableFuture<String> failing = new CompletableFuture<>();
        PublishFuture<String> first = new PublishFuture<>(metrics, 1, System.nanoTime());
        PublishFuture<String> second = new PublishFuture<>(metrics, 1, System.nanoTime());
        first.settleWith(ok.thenApply(s -> s + "!"));
        second.settleWith(failing.thenApply(s -> s + "!"));

        ok.complete("sent");
        IllegalStateException cause = new IllegalStateException("refused");
        failing.completeExceptionally(cause);

        assertThat(first.join()).isEqualTo("sent!");
        assertThatThrownBy(second::get).isInstanceOf(ExecutionException.class).hasCause(cause);
        assertThat(metrics.snapshot().published()).isEqualTo(1);
    }

    @Test
    void settlesFromAResultAndFailurePair() {
        PublishFuture<String> ok = new PublishFuture<>(metrics, 2, System.nanoTime());
        PublishFuture<String> failed = new PublishFuture<>(metrics, 2, System.nanoTime());
        IllegalStateException cause = new IllegalStateException("refused");

        ok.settle("sent", null);
        failed.settle(null, new CompletionException(cause));

        assertThat(ok.join()).isEqualTo("sent");
        assertThatThrownBy(failed::get).isInstanceOf(ExecutionException.class).hasCause(cause);
        assertThat(metrics.snapshot().published()).isEqualTo(2);
    }

    @Test
    void givesPlainFuturesToDependentStages() {
        PublishFuture<String> future = new PublishFuture<>(metrics, 1, System.nanoTime());

        assertThat(future.thenApply(s -> s)).isExactlyInstanceOf(CompletableFuture.class);
    }
}
