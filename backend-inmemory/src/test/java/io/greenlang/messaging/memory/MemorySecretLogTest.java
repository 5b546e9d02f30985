package io.greenlang.messaging.memory;

import static org.assertj.core.api.Assertions.assertThat;

import io.greenlang.messaging.tck.logging.TraceLogCheck;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The URL's password reaches no log line, at any level, on {@code memory://} either. */
class MemorySecretLogTest {
    @Test
    @DisplayName("the URL's password appears in no log line, even at TRACE")
    void secretsNotLoggedAtTrace() {
        // memory:// reads no secret option (an unknown one is refused at connect), so the URL's password is the secret
        String password = "mem-Pa55-" + UUID.randomUUID();
        String captured = TraceLogCheck.assertNoSecretAtTrace("memory://probe:" + password + "@trace-probe",
                List.of(password), "io.greenlang.messaging", Duration.ofMinutes(1));
        assertThat(captured).contains("connected to memory://");
    }
}
