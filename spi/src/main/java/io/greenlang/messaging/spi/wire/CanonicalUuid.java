package io.greenlang.messaging.spi.wire;

import java.util.Arrays;
import java.util.UUID;

/**
 * An id that is a UUID's canonical text (8-4-4-4-12 lower-case hex digits, as {@link UUID#toString()} writes it),
 * which the envelope stores as its 16 bytes.
 */
final class CanonicalUuid {
    private static final int TEXT_LENGTH = 36;
    /** The value of each lower-case hex digit by its character, -1 for other characters. */
    private static final byte[] LOWER_HEX = new byte['f' + 1];

    static {
        Arrays.fill(LOWER_HEX, (byte) -1);
        for (int d = 0; d < 16; d++) {
            LOWER_HEX["0123456789abcdef".charAt(d)] = (byte) d;
        }
    }

    private CanonicalUuid() {
    }

    /** The 16 bytes of {@code id} (most significant first) if it is a UUID's canonical text, else {@code null}. */
    static byte[] bytesOf(String id) {
        if (id.length() != TEXT_LENGTH
                || id.charAt(8) != '-' || id.charAt(13) != '-' || id.charAt(18) != '-' || id.charAt(23) != '-') {
            return null;
        }
        byte[] out = new byte[EnvelopeLayout.UUID_BYTES];
        int invalid = 0;
        int o = 0;
        for (int i = 0; i < TEXT_LENGTH; i += 2) {
            if (i == 8 || i == 13 || i == 18 || i == 23) {
                i++; // a hyphen: the digits after it pair up from the next character
            }
            int high = lowerHexDigit(id.charAt(i));
            int low = lowerHexDigit(id.charAt(i + 1));
            invalid |= high | low;
            out[o++] = (byte) (high << 4 | low);
        }
        return invalid < 0 ? null : out;
    }

    /** The canonical text of the UUID whose 16 bytes start at {@code bytes[at]}. */
    static String textOf(byte[] bytes, int at) {
        long msb = 0;
        long lsb = 0;
        for (int i = 0; i < 8; i++) {
            msb = (msb << 8) | (bytes[at + i] & 0xFF);
            lsb = (lsb << 8) | (bytes[at + 8 + i] & 0xFF);
        }
        return new UUID(msb, lsb).toString();
    }

    /** 0 to 15 for {@code 0-9} and {@code a-f}, else -1. */
    private static int lowerHexDigit(char c) {
        return c < LOWER_HEX.length ? LOWER_HEX[c] : -1;
    }
}
