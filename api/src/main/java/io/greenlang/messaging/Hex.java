package io.greenlang.messaging;

import java.util.HexFormat;
import java.util.Objects;

/** Provenance hashes as 64 lowercase hex digits and as 32 bytes. */
final class Hex {
    static final int HASH_BYTES = 32;
    private static final HexFormat LOWER = HexFormat.of();
    /** Which chars are lowercase hex digits, by char value up to {@code 'f'}. */
    private static final boolean[] LOWER_HEX = new boolean['f' + 1];

    static {
        for (char c = '0'; c <= '9'; c++) {
            LOWER_HEX[c] = true;
        }
        for (char c = 'a'; c <= 'f'; c++) {
            LOWER_HEX[c] = true;
        }
    }

    private Hex() {
    }

    static String requireHash(String hash) {
        Objects.requireNonNull(hash, "hash");
        boolean valid = hash.length() == 2 * HASH_BYTES;
        for (int i = 0; valid && i < hash.length(); i++) {
            // a table rather than range tests: on random digits those branches mispredict about every other char
            char c = hash.charAt(i);
            valid = c < LOWER_HEX.length && LOWER_HEX[c];
        }
        if (!valid) {
            throw new IllegalArgumentException("provenance hash must be 64 lowercase hex digits");
        }
        return hash;
    }

    static byte[] requireHashBytes(byte[] sha256) {
        Objects.requireNonNull(sha256, "sha256");
        if (sha256.length != HASH_BYTES) {
            throw new IllegalArgumentException("provenance hash must be the 32 bytes of a SHA-256, not "
                    + sha256.length + " bytes");
        }
        return sha256;
    }

    /** The bytes of digits that {@link #requireHash} accepted. */
    static byte[] decode(String hex) {
        return LOWER.parseHex(hex);
    }

    static String encode(byte[] bytes) {
        return LOWER.formatHex(bytes);
    }
}
