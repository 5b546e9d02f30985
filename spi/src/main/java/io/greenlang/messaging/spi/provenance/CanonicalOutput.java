package io.greenlang.messaging.spi.provenance;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable buffer the streaming canonicalizers write canonical JSON to, with the checks they share: strict
 * UTF-8, string escaping and key order. One per thread, reused; not thread-safe.
 */
final class CanonicalOutput {
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final int KEPT_CAPACITY = 64 * 1024;

    private byte[] buffer = new byte[512];
    private int length;

    void reset() {
        if (buffer.length > KEPT_CAPACITY) {
            buffer = new byte[512]; // one huge payload must not pin its buffer to the thread
        }
        length = 0;
    }

    byte[] buffer() {
        return buffer;
    }

    int length() {
        return length;
    }

    private void ensure(int more) {
        if (buffer.length - length < more) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + more));
        }
    }

    void write(int b) {
        ensure(1);
        buffer[length++] = (byte) b;
    }

    void write(byte[] bytes, int from, int to) {
        ensure(to - from);
        System.arraycopy(bytes, from, buffer, length, to - from);
        length += to - from;
    }

    void ascii(String s) {
        ensure(s.length());
        for (int i = 0; i < s.length(); i++) {
            buffer[length++] = (byte) s.charAt(i);
        }
    }

    /** Writes {@code v} in decimal, without allocating. */
    void decimal(long v) {
        if (v == Long.MIN_VALUE) {
            ascii(Long.toString(v));
            return;
        }
        ensure(20);
        if (v < 0) {
            buffer[length++] = '-';
            v = -v;
        }
        int digits = 1;
        for (long t = v; t >= 10; t /= 10) {
            digits++;
        }
        for (int i = length + digits - 1; i >= length; i--) {
            buffer[i] = (byte) ('0' + v % 10);
            v /= 10;
        }
        length += digits;
    }

    /** Writes {@code c}, a character below U+0080, as it appears inside a canonical JSON string. */
    void escapedAscii(int c) {
        switch (c) {
            case '"' -> ascii("\\\"");
            case '\\' -> ascii("\\\\");
            case '\b' -> ascii("\\b");
            case '\t' -> ascii("\\t");
            case '\n' -> ascii("\\n");
            case '\f' -> ascii("\\f");
            case '\r' -> ascii("\\r");
            default -> {
                if (c < 0x20) {
                    ascii("\\u00");
                    write(HEX[c >> 4]);
                    write(HEX[c & 0xf]);
                } else {
                    write(c);
                }
            }
        }
    }

    /**
     * The length of the well-formed UTF-8 sequence of two to four bytes that starts at {@code from} with a byte of
     * 0x80 or more, or -1: overlong forms, surrogates, code points above U+10FFFF and truncated sequences are
     * malformed, as for the JDK's strict decoder.
     */
    static int utf8SequenceLength(byte[] in, int from, int end) {
        int b0 = in[from] & 0xff;
        int n;
        int min2;
        int max2 = 0xbf;
        if (b0 >= 0xc2 && b0 <= 0xdf) {
            n = 2;
            min2 = 0x80;
        } else if (b0 >= 0xe0 && b0 <= 0xef) {
            n = 3;
            min2 = b0 == 0xe0 ? 0xa0 : 0x80;
            max2 = b0 == 0xed ? 0x9f : 0xbf; // 0xed 0xa0..0xbf would be a surrogate
        } else if (b0 >= 0xf0 && b0 <= 0xf4) {
            n = 4;
            min2 = b0 == 0xf0 ? 0x90 : 0x80;
            max2 = b0 == 0xf4 ? 0x8f : 0xbf;
        } else {
            return -1;
        }
        if (end - from < n) {
            return -1;
        }
        int b1 = in[from + 1] & 0xff;
        if (b1 < min2 || b1 > max2) {
            return -1;
        }
        for (int i = 2; i < n; i++) {
            if ((in[from + i] & 0xc0) != 0x80) {
                return -1;
            }
        }
        return n;
    }

    /**
     * Whether the object key in {@code in[from, to)} can be compared by its bytes: well-formed UTF-8 with nothing
     * JSON escapes (control characters, {@code "} and {@code \}), so that its bytes are its canonical form.
     */
    static boolean isPlainKey(byte[] in, int from, int to) {
        int i = from;
        while (i < to) {
            int b = in[i] & 0xff;
            if (b < 0x80) {
                if (b < 0x20 || b == '"' || b == '\\') {
                    return false;
                }
                i++;
            } else {
                int n = utf8SequenceLength(in, i, to);
                if (n < 0) {
                    return false;
                }
                i += n;
            }
        }
        return true;
    }

    /** Compares two byte ranges as unsigned bytes, which for UTF-8 is the order of code points. */
    static int compareKeys(byte[] in, int aFrom, int aTo, int bFrom, int bTo) {
        return Arrays.compareUnsigned(in, aFrom, aTo, in, bFrom, bTo);
    }
}
