package io.greenlang.messaging.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The members of a group's delay set, which script MOVE_DUE cuts at their first three bars. */
class DelayedRetriesTest {
    @Test
    void aMemberIsAttemptFirstFailurePositionAndEnvelopeSeparatedByBars() {
        Instant first = Instant.ofEpochSecond(1_718_000_000L, 5);
        byte[] envelope = {1, '|', 2};

        byte[] member = DelayedRetries.member(3, first, "2:1718000000000-0", envelope);

        String head = "3|1718000000.000000005|2:1718000000000-0|";
        assertThat(new String(member, 0, head.length(), StandardCharsets.UTF_8)).isEqualTo(head);
        assertThat(Arrays.copyOfRange(member, head.length(), member.length))
                .as("the envelope, bars and all, after the third bar").isEqualTo(envelope);
    }

    @Test
    void aRetryWithoutFirstFailureHasAnEmptyField() {
        byte[] member = DelayedRetries.member(2, null, "0:1-0", new byte[] {7});

        assertThat(new String(member, 0, member.length - 1, StandardCharsets.UTF_8)).isEqualTo("2||0:1-0|");
        assertThat(member[member.length - 1]).isEqualTo((byte) 7);
    }
}
