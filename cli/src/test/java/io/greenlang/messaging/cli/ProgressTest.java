package io.greenlang.messaging.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("progress output")
class ProgressTest {
    @Test
    @DisplayName("off a terminal: plain lines, at most one a second")
    void plainLines() {
        StringWriter sw = new StringWriter();
        try (Progress p = new Progress(new PrintWriter(sw), "demo", false)) {
            p.show("1/10");
            p.update("2/10"); // within the second: dropped
        }
        assertThat(sw.toString()).isEqualTo("demo: 1/10" + System.lineSeparator());
    }

    @Test
    @DisplayName("on a terminal: one line rewritten in place, cleared at the end")
    void terminalLine() {
        StringWriter sw = new StringWriter();
        try (Progress p = new Progress(new PrintWriter(sw), "bench", true)) {
            p.show("[1/2] long step");
            p.show("[2/2] step");
        }
        assertThat(sw.toString()).isEqualTo("\rbench: [1/2] long step" + "\rbench: [2/2] step     "
                + "\r" + " ".repeat(17) + "\r");
    }
}
