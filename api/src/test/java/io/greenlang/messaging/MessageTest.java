package io.greenlang.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class MessageTest {
    @Test
    void buildsWithDefaults() {
        Message m = Message.builder("orders").build();

        assertThat(m.payloadSize()).isZero();
        assertThat(m.contentType()).isEqualTo(Message.OCTET_STREAM);
        assertThat(m.priority()).isEqualTo(Message.DEFAULT_PRIORITY);
        assertThat(m.headers()).isEmpty();
        assertThat(m.expiresAt()).isEmpty();
        assertThat(m.provenanceHash()).isEmpty();
        assertThat(UUID.fromString(m.id()).version()).isEqualTo(7);
    }

    @Test
    void payloadIsCopiedInAndOut() {
        byte[] bytes = "abc".getBytes(StandardCharsets.UTF_8);
        Message m = Message.builder("t").payload(bytes).build();
        bytes[0] = 'x';
        m.payload()[1] = 'x';

        assertThat(m.payloadAsString()).isEqualTo("abc");
    }

    @Test
    void payloadCanBeARangeOfALargerBuffer() {
        byte[] buffer = "xxabcyy".getBytes(StandardCharsets.UTF_8);
        Message m = Message.builder("t").payload(buffer, 2, 3).build();
        buffer[2] = 'z';

        assertThat(m.payloadAsString()).isEqualTo("abc");
        assertThat(Message.builder("t").payload(buffer, 7, 0).build().payloadSize()).isZero();
        assertThatThrownBy(() -> Message.builder("t").payload(buffer, 5, 3))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> Message.builder("t").payload(buffer, -1, 2))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void ttlCountsFromCreationAndTimesAreMicroseconds() {
        Instant created = Instant.parse("2026-01-01T00:00:00.123456789Z");
        Message m = Message.builder("t").createdAt(created).ttl(Duration.ofSeconds(5)).build();

        assertThat(m.createdAt()).isEqualTo(Instant.parse("2026-01-01T00:00:00.123456Z"));
        assertThat(m.expiresAt()).contains(Instant.parse("2026-01-01T00:00:05.123456Z"));
        assertThat(m.isExpired(Instant.parse("2026-01-01T00:00:05.123456Z"))).isTrue();
        assertThat(m.isExpired(Instant.parse("2026-01-01T00:00:05.123455Z"))).isFalse();
    }

    @Test
    void validatesFields() {
        assertThatThrownBy(() -> Message.builder("bad topic")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Invalid topic name 'bad topic'");
        assertThatThrownBy(() -> Message.builder("t").priority(10)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("from 0 to 9, was 10");
        assertThatThrownBy(() -> Message.builder("t").header(" ", "v")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Message.builder("t").ttl(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Message.builder("t").replyTo("a/b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Message.builder("t").provenanceHash("abc")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Message.builder("t").payload(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("payload");
    }

    @Test
    void provenanceHashReadsTheSameAsDigitsAndAsBytes() {
        String hex = "00017f80ff" + "0123456789abcdef".repeat(3) + "a".repeat(6);
        byte[] bytes = new byte[32];
        for (int i = 0; i < 32; i++) {
            bytes[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        }
        Message fromDigits = Message.builder("t").id("m-1").text("x").provenanceHash(hex).build();
        Message fromBytes = fromDigits.mutate().provenanceHashBytes(bytes).build();

        assertThat(fromDigits.provenanceHashBytes()).hasValueSatisfying(b -> assertThat(b).isEqualTo(bytes));
        assertThat(fromBytes.provenanceHash()).hasValue(hex);
        assertThat(fromBytes).isEqualTo(fromDigits);
        assertThat(fromDigits.mutate().build().withProvenanceHashBytes(bytes).provenanceHash()).hasValue(hex);

        bytes[0] = 1; // the message keeps its own copy, and hands out copies
        assertThat(fromBytes.provenanceHash()).hasValue(hex);
        fromBytes.provenanceHashBytes().orElseThrow()[1] = 1;
        assertThat(fromBytes.provenanceHash()).hasValue(hex);

        byte[] framed = new byte[40];
        System.arraycopy(fromDigits.provenanceHashBytes().orElseThrow(), 0, framed, 5, 32);
        assertThat(fromDigits.mutate().provenanceHashBytes(framed, 5).build().provenanceHash()).hasValue(hex);
        assertThatThrownBy(() -> Message.builder("t").provenanceHashBytes(framed, 9))
                .isInstanceOf(IndexOutOfBoundsException.class);

        assertThatThrownBy(() -> Message.builder("t").provenanceHashBytes(new byte[31]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("32 bytes of a SHA-256, not 31");
        assertThatThrownBy(() -> fromDigits.withProvenanceHash("A".repeat(64)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("64 lowercase hex digits");
    }

    @Test
    void mutateKeepsFieldsButNotTheHash() {
        Message m = Message.builder("t").text("hi").header("a", "b").priority(7).key("k").correlationId("c")
                .replyTo("r").provenanceHash("0".repeat(64)).build();
        Message copy = m.mutate().build();

        assertThat(copy.id()).isEqualTo(m.id());
        assertThat(copy.createdAt()).isEqualTo(m.createdAt());
        assertThat(copy.headers()).isEqualTo(m.headers());
        assertThat(copy.key()).contains("k");
        assertThat(copy.provenanceHash()).isEmpty();
        assertThat(copy).isNotEqualTo(m);
        assertThat(copy.mutate().build()).isEqualTo(copy);
    }

    @Test
    void toStringShowsNoPayloadOrHeaderValues() {
        Message m = Message.builder("t").text("secret-payload").header("auth", "secret-header").build();

        assertThat(m.toString()).contains("auth").doesNotContain("secret-payload", "secret-header");
    }

    @Test
    void idsAreUniqueAndIncreasingAcrossThreads() throws InterruptedException {
        List<List<String>> perThread = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            List<String> ids = new ArrayList<>();
            perThread.add(ids);
            threads.add(new Thread(() -> {
                for (int i = 0; i < 20_000; i++) {
                    ids.add(MessageIds.next());
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        HashSet<String> all = new HashSet<>();
        for (List<String> ids : perThread) {
            for (int i = 1; i < ids.size(); i++) {
                assertThat(ids.get(i)).isGreaterThan(ids.get(i - 1));
            }
            all.addAll(ids);
        }
        assertThat(all).hasSize(80_000);
    }
}
