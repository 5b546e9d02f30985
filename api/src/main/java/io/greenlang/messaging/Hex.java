package io.greenlang.messaging;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/** Provenance hashes as 64 lowercase hex digits and as 32 bytes. */
final class Hex {
    static final int HASH_BYTES = 32;
    private static final byte[] DIGITS = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    /** The value of each lowercase hex digit by char value up to {@code 'f'}; -1 for other chars. */
    private static final byte[] VALUES = new byte['f' + 1];

    static {
        Arrays.fill(VALUES, (byte) -1);
        for (char c = '0'; c <= '9'; c++) {
            VALUES[c] = (byte) (c - '0');
        }
        for (char c = 'a'; c <= 'f'; c++) {
            VALUES[c] = (byte) (c - 'a' + 10);
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
            valid = c < VALUES.length && VALUES[c] >= 0;
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
        byte[] bytes = new byte[hex.length() / 2];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (VALUES[hex.charAt(2 * i)] << 4 | VALUES[hex.charAt(2 * i + 1)]);
        }
        return bytes;
    }

    static String encode(byte[] bytes) {
        byte[] hex = new byte[2 * bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            hex[2 * i] = DIGITS[(bytes[i] >> 4) & 0xF];
            hex[2 * i + 1] = DIGITS[bytes[i] & 0xF];
        }
        return new String(hex, StandardCharsets.ISO_8859_1);
    }
}
