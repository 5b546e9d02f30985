package io.greenlang.messaging.spi.wire;

import io.greenlang.messaging.PayloadDecodingException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * Reads the primitive values of one envelope in {@code bytes[from, end)} in order, failing with a
 * {@link PayloadDecodingException} that names the field and the offset (counted from {@code from}).
 * {@link EnvelopeDecoder} says which fields to read.
 */
final class EnvelopeReader {
    private static final HexFormat HEX = HexFormat.of();

    private final byte[] b;
    private final int from;
    private final int end;
    private int position;

    /** Reads {@code bytes[from, end)}. */
    EnvelopeReader(byte[] bytes, int from, int end) {
        this.b = bytes;
        this.from = from;
        this.end = end;
        this.position = from;
    }

    /** Checks the magic bytes and reads the version byte after them. */
    int magicAndVersion() {
        if (end == from) {
            throw fail("the input is empty (0 bytes)");
        }
        String magic = EnvelopeLayout.MAGIC;
        int prefix = Math.min(magic.length(), end - from);
        for (int i = 0; i < prefix; i++) {
            if (b[from + i] != magic.charAt(i)) {
                throw new PayloadDecodingException("Not a GreenLang message envelope (first bytes "
                        + firstBytes() + "; an envelope starts with 47 4c 4d, \"GLM\"). The record was not "
                        + "written by a GreenLang Messaging backend.");
            }
        }
        if (end - from < magic.length() + 1) {
            throw truncated("magic and version", magic.length() + 1 - (end - from));
        }
        position = from + magic.length();
        return u8("version");
    }

    /** The array read from; offsets returned by {@link #take} index it. */
    byte[] bytes() {
        return b;
    }

    int position() {
        return position;
    }

    /** Goes back to a position returned by {@link #position()}, to read the same bytes another way. */
    void rewindTo(int earlier) {
        position = earlier;
    }

    int remaining() {
        return end - position;
    }

    void require(String field, int count) {
        if (count > remaining()) {
            throw truncated(field, count - remaining());
        }
    }

    /** Skips the next {@code count} bytes of {@code field}, returning the offset of the first. */
    int take(String field, int count) {
        require(field, count);
        int at = position;
        position += count;
        return at;
    }

    /**
     * Skips the next bytes if they are {@code ascii}, one byte per character; the caller has required that many.
     *
     * @return whether they were
     */
    boolean skipIfNext(String ascii) {
        for (int i = 0; i < ascii.length(); i++) {
            if (b[position + i] != ascii.charAt(i)) {
                return false;
            }
        }
        position += ascii.length();
        return true;
    }

    int u8(String field) {
        require(field, 1);
        return b[position++] & 0xFF;
    }

    long int64(String field) {
        require(field, 8);
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[position++] & 0xFF);
        }
        return v;
    }

    int varint(String field) {
        int value = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            int octet = u8(field);
            value |= (octet & 0x7F) << shift;
            if ((octet & 0x80) == 0) {
                if (shift == 28 && octet > 0x07) {
                    throw fail("the length in field '" + field + "' exceeds 2^31-1");
                }
                return value;
            }
        }
        throw fail("the varint in field '" + field + "' is longer than 5 bytes");
    }

    /** A varint length and that many bytes of strict UTF-8. */
    String string(String field) {
        int length = varint(field + " length");
        require(field, length);
        int start = position;
        position += length;
        boolean ascii = true;
        for (int i = start; i < position; i++) {
            if (b[i] < 0) {
                ascii = false;
                break;
            }
        }
        if (ascii) {
            return new String(b, start, length, StandardCharsets.ISO_8859_1);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b, start, length))
                    .toString();
        } catch (CharacterCodingException e) {
            throw fail("field '" + field + "' at offset " + (start - from) + " is not valid UTF-8");
        }
    }

    /** The exception for an invalid envelope, for {@code reason}. */
    PayloadDecodingException fail(String reason) {
        return new PayloadDecodingException("Invalid GreenLang message envelope of " + (end - from)
                + " bytes: " + reason + (reason.endsWith(".") ? "" : "."));
    }

    private PayloadDecodingException truncated(String field, int missing) {
        return fail("it is truncated in field '" + field + "' (" + missing + " more byte"
                + (missing == 1 ? "" : "s") + " needed at offset " + (Math.min(position, end) - from) + ")");
    }

    private String firstBytes() {
        return HEX.withDelimiter(" ").formatHex(b, from, from + Math.min(8, end - from));
    }
}
