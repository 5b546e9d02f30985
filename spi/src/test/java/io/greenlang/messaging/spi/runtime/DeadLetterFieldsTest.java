package io.greenlang.messaging.spi.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.greenlang.messaging.DeadLetter;
import io.greenlang.messaging.DeadLetterReason;
import io.greenlang.messaging.Message;
import io.greenlang.messaging.spi.runtime.DeadLetterFields.Field;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DeadLetterFieldsTest {
    private static final Message MESSAGE = Message.builder("orders").text("x").build();
    private static final Instant FIRST = Instant.parse("2026-01-02T03:04:05.123456789Z");
    private static final Instant LAST = Instant.parse("2026-01-02T03:04:06Z");

    private static DeadLetterRequest request(Optional<String> exceptionClass, String text) {
        return new DeadLetterRequest(MESSAGE, "billing", DeadLetterReason.RETRIES_EXHAUSTED, 5, FIRST, LAST,
                exceptionClass, text);
    }

    @Test
    void writesEveryFieldInOrderAndReadsItBack() {
        Map<Field, String> fields = DeadLetterFields.write(request(Optional.of("java.io.IOException"), "disk full"),
                Instant::toString);
        assertThat(fields.keySet()).containsExactly(Field.values());
        assertThat(fields).containsEntry(Field.GROUP, "billing").containsEntry(Field.REASON, "RETRIES_EXHAUSTED")
                .containsEntry(Field.ATTEMPTS, "5").containsEntry(Field.FIRST_FAILURE, FIRST.toString())
                .containsEntry(Field.EXCEPTION_CLASS, "java.io.IOException")
                .containsEntry(Field.EXCEPTION_MESSAGE, "disk full");

        DeadLetter letter = DeadLetterFields.read("7", MESSAGE, "other", fields::get, Instant::parse);
        assertThat(letter).isEqualTo(request(Optional.of("java.io.IOException"), "disk full").withId("7"));
    }

    @Test
    void noExceptionClassIsAnAbsentField() {
        Map<Field, String> fields = DeadLetterFields.write(request(Optional.empty(), "rejected"), Instant::toString);
        assertThat(fields).doesNotContainKey(Field.EXCEPTION_CLASS);
        assertThat(DeadLetterFields.read("1", MESSAGE, "billing", fields::get, Instant::parse).exceptionClass())
                .isEmpty();
    }

    @Test
    void longExceptionMessagesAreCut() {
        String text = "e".repeat(DeadLetterFields.MAX_EXCEPTION_MESSAGE + 10);
        String stored = DeadLetterFields.write(request(Optional.empty(), text), Instant::toString)
                .get(Field.EXCEPTION_MESSAGE);
        assertThat(stored).hasSize(DeadLetterFields.MAX_EXCEPTION_MESSAGE + 3).endsWith("e...");
    }

    @Test
    void absentFieldsReadAsDefaults() {
        DeadLetter letter = DeadLetterFields.read("1", MESSAGE, "billing", f -> null, Instant::parse);
        assertThat(letter.group()).isEqualTo("billing");
        assertThat(letter.reason()).isEqualTo(DeadLetterReason.REJECTED);
        assertThat(letter.attempts()).isZero();
        assertThat(letter.firstFailure()).isEqualTo(Instant.EPOCH);
        assertThat(letter.exceptionMessage()).isEmpty();
    }

    @Test
    void valuesNeverWrittenAreRejected() {
        assertThatThrownBy(() -> DeadLetterFields.read("1", MESSAGE, "g", f -> f == Field.REASON ? "BORED" : null,
                Instant::parse)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DeadLetterFields.read("1", MESSAGE, "g", f -> f == Field.ATTEMPTS ? "many" : null,
                Instant::parse)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void fieldNamesAreStable() {
        assertThat(List.of(Field.values()).stream().map(Field::fieldName)).containsExactly("group", "reason",
                "attempts", "first-failure", "last-failure", "exception-class", "exception-message");
    }
}
