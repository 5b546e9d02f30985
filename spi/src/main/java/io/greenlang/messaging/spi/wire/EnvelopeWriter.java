package io.greenlang.messaging.spi.wire;

import java.nio.ByteBuffer;

/**
 * Writes the fields of one envelope into an array of the exact size; strings take their UTF-8 lengths from
 * {@code lengths}, in order, as {@link EnvelopeEncoder} measured them.
 */
final class EnvelopeWriter {
    private final byte[] buffer;
    private int position;
    private final int[] lengths;
    private int nextLength;

    EnvelopeWriter(int size, int[] lengths) {
        this.buffer = new byte[size];
        this.lengths = lengths;
    }

    void u8(int v) {
        buffer[position++] = (byte) v;
    }

    void varint(int v) {
        while ((v & ~0x7F) != 0) {
            buffer[position++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buffer[position++] = (byte) v;
    }

    void int64(long v) {
        for (int i = 7; i >= 0; i--) {
            buffer[position + i] = (byte) v;
            v >>>= 8;
        }
        position += 8;
    }

    /** The first {@code count} bytes of {@code source}, as they are. */
    void raw(byte[] source, int count) {
        System.arraycopy(source, 0, buffer, position, count);
        position += count;
    }

    /** The next {@code count} bytes of {@code source}, as they are. */
    void raw(ByteBuffer source, int count) {
        source.get(buffer, position, count);
        position += count;
    }

    /** A varint UTF-8 length, then the UTF-8, encoded in place (the encoder checked the string). */
    @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int): the plain copy ASCII needs
    void string(String s) {
        int length = lengths[nextLength++];
        varint(length);
        int n = s.length();
        if (length == n) { // only ASCII has as many UTF-8 bytes as chars
            s.getBytes(0, n, buffer, position);
            position += n;
            return;
        }
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                buffer[position++] = (byte) c;
            } else if (c < 0x800) {
                buffer[position++] = (byte) (0xC0 | (c >> 6));
                buffer[position++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c)) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                buffer[position++] = (byte) (0xF0 | (cp >> 18));
                buffer[position++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                buffer[position++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                buffer[position++] = (byte) (0x80 | (cp & 0x3F));
            } else {
                buffer[position++] = (byte) (0xE0 | (c >> 12));
                buffer[position++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                buffer[position++] = (byte) (0x80 | (c & 0x3F));
            }
        }
    }

    /** The envelope, once every byte is written. */
    byte[] finish() {
        assert position == buffer.length;
        return buffer;
    }
}
