package io.greenlang.messaging.memory;

import static org.assertj.core.api.Assertions.assertThat;

import io.greenlang.messaging.tck.logging.TraceLogCheck;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** No secret of the URL reaches a log line, at any level, on {@code memory://} either. */
class MemorySecretLogTest {
    @Test
    @DisplayName("the URL's password and secret options appear in no log line, even at TRACE")
    void secretsNotLoggedAtTrace() {
        String password = "mem-Pa55-" + UUID.randomUUID();
        String token = "mem-token-" + UUID.randomUUID();
        String captured = TraceLogCheck.assertNoSecretAtTrace("memory://probe:" + password + "@trace-probe?api-token="
                + token, List.of(password, token), "io.greenlang.messaging", Duration.ofMinutes(1));
        assertThat(captured).contains("connected to memory://");
    }
}
