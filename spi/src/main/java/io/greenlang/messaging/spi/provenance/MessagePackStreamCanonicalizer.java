package io.greenlang.messaging.spi.provenance;

import java.util.Arrays;
import java.util.Base64;

/**
 * Writes the canonical JSON (see {@link Provenance}) of a MessagePack payload in one pass over its bytes, without
 * a tree, when its map keys are strings in canonical order, as
 * {@link io.greenlang.messaging.spi.codec.MessagePackCodec} writes them.
 *
 * <p>It gives up ({@code false}) on anything it is not sure of, and the caller then canonicalizes through
 * {@link CanonicalPayload}: keys out of order, duplicated, not strings or needing escapes, extension types, NaN
 * and infinities, deep nesting, truncated or trailing bytes. So whenever it succeeds its output is the one
 * {@link CanonicalPayload#fromMessagePack} gives: the property tests compare the two on random documents.
 *
 * <p>Not thread-safe: one instance per thread.
 */
final class MessagePackStreamCanonicalizer {
    private static final int MAX_DEPTH = 400;
    /** Whole doubles below this are written from a long, without the decimal search. */
    private static final double EXACT_LONG_LIMIT = 0x1p53;

    /** Thrown, without a stack trace, to give up. */
    private static final class GiveUp extends Exception {
        private static final long serialVersionUID = 1L;
        private static final GiveUp INSTANCE = new GiveUp();

        private GiveUp() {
            super("not in canonical order", null, false, false);
        }
    }

    private final CanonicalOutput out;
    private byte[] in;
    private int end;
    private int pos;

    MessagePackStreamCanonicalizer(CanonicalOutput out) {
        this.out = out;
    }

    /** Writes the canonical JSON of {@code payload[0, length)} to the output, or returns {@code false}. */
    boolean write(byte[] payload, int length) {
        if (length == 0) {
            return false;
        }
        in = payload;
        end = length;
        pos = 0;
        out.reset();
        try {
            value(0);
            return pos == end;
        } catch (GiveUp e) {
            return false;
        } finally {
            in = null;
        }
    }

    private int u8() throws GiveUp {
        if (pos >= end) {
            throw GiveUp.INSTANCE;
        }
        return in[pos++] & 0xff;
    }

    private long unsigned(int bytes) throws GiveUp {
        if (end - pos < bytes) {
            throw GiveUp.INSTANCE;
        }
        long v = 0;
        for (int i = 0; i < bytes; i++) {
            v = v << 8 | (in[pos++] & 0xff);
        }
        return v;
    }

    /** A length or count that the remaining bytes can hold (each element takes at least one byte). */
    private int count(int bytes) throws GiveUp {
        long n = unsigned(bytes);
        if (n > end - pos) {
            throw GiveUp.INSTANCE;
        }
        return (int) n;
    }

    private void value(int depth) throws GiveUp {
        int b = u8();
        if (b <= 0x7f) {
            out.decimal(b);
        } else if (b >= 0xe0) {
            out.decimal((byte) b);
        } else if (b <= 0x8f) {
            map(b & 0x0f, depth);
        } else if (b <= 0x9f) {
            array(b & 0x0f, depth);
        } else if (b <= 0xbf) {
            string(b & 0x1f);
        } else {
            switch (b) {
                case 0xc0 -> out.ascii("null");
                case 0xc2 -> out.ascii("false");
                case 0xc3 -> out.ascii("true");
                case 0xc4 -> binary(count(1));
                case 0xc5 -> binary(count(2));
                case 0xc6 -> binary(count(4));
                case 0xca -> float32(Float.intBitsToFloat((int) unsigned(4)));
                case 0xcb -> float64(Double.longBitsToDouble(unsigned(8)));
                case 0xcc -> out.decimal(unsigned(1));
                case 0xcd -> out.decimal(unsigned(2));
                case 0xce -> out.decimal(unsigned(4));
                case 0xcf -> out.ascii(Long.toUnsignedString(unsigned(8)));
                case 0xd0 -> out.decimal((byte) unsigned(1));
                case 0xd1 -> out.decimal((short) unsigned(2));
                case 0xd2 -> out.decimal((int) unsigned(4));
                case 0xd3 -> out.decimal(unsigned(8));
                case 0xd9 -> string(count(1));
                case 0xda -> string(count(2));
                case 0xdb -> string(count(4));
                case 0xdc -> array(count(2), depth);
                case 0xdd -> array(count(4), depth);
                case 0xde -> map(count(2), depth);
                case 0xdf -> map(count(4), depth);
                default -> throw GiveUp.INSTANCE; // extension types, and 0xc1, which is never used
            }
        }
    }

    private void float64(double d) throws GiveUp {
        if (d == Math.rint(d) && Math.abs(d) < EXACT_LONG_LIMIT) {
            out.decimal((long) d); // whole: its digits are exact, and -0.0 is 0
            return;
        }
        try {
            out.ascii(CanonicalPayload.plain(CanonicalPayload.shortestDouble(d)));
        } catch (CanonicalPayload.NotCanonical e) {
            throw GiveUp.INSTANCE; // NaN, infinities
        }
    }

    private void float32(float f) throws GiveUp {
        try {
            out.ascii(CanonicalPayload.plain(CanonicalPayload.shortestFloat(f)));
        } catch (CanonicalPayload.NotCanonical e) {
            throw GiveUp.INSTANCE;
        }
    }

    private void array(int count, int depth) throws GiveUp {
        if (depth >= MAX_DEPTH) {
            throw GiveUp.INSTANCE;
        }
        out.write('[');
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                out.write(',');
            }
            value(depth + 1);
        }
        out.write(']');
    }

    private void map(int count, int depth) throws GiveUp {
        if (depth >= MAX_DEPTH) {
            throw GiveUp.INSTANCE;
        }
        out.write('{');
        int previousFrom = -1;
        int previousTo = -1;
        for (int i = 0; i < count; i++) {
            int b = u8();
            int length;
            if (b >= 0xa0 && b <= 0xbf) {
                length = b & 0x1f;
            } else if (b == 0xd9) {
                length = count(1);
            } else if (b == 0xda) {
                length = count(2);
            } else if (b == 0xdb) {
                length = count(4);
            } else {
                throw GiveUp.INSTANCE; // not a string key: the slow way hashes it raw
            }
            if (length > end - pos) {
                throw GiveUp.INSTANCE; // truncated
            }
            int from = pos;
            int to = pos + length;
            if (!CanonicalOutput.isPlainKey(in, from, to)
                    || (previousFrom >= 0 && CanonicalOutput.compareKeys(in, previousFrom, previousTo, from, to) >= 0)) {
                throw GiveUp.INSTANCE; // out of order or duplicated: the slow way sorts, or hashes raw
            }
            previousFrom = from;
            previousTo = to;
            pos = to;
            if (i > 0) {
                out.write(',');
            }
            out.write('"');
            out.write(in, from, to);
            out.write('"');
            out.write(':');
            value(depth + 1);
        }
        out.write('}');
    }

    /** A UTF-8 string of {@code length} bytes, strictly decoded, escaped canonically. */
    private void string(int length) throws GiveUp {
        if (length > end - pos) {
            throw GiveUp.INSTANCE; // truncated
        }
        int to = pos + length;
        out.write('"');
        int run = pos;
        while (pos < to) {
            int b = in[pos] & 0xff;
            if (b < 0x80) {
                if (b < 0x20 || b == '"' || b == '\\') {
                    out.write(in, run, pos);
                    out.escapedAscii(b);
                    run = pos + 1;
                }
                pos++;
            } else {
                int n = CanonicalOutput.utf8SequenceLength(in, pos, to);
                if (n < 0) {
                    throw GiveUp.INSTANCE; // the slow way hashes malformed text raw
                }
                pos += n;
            }
        }
        out.write(in, run, to);
        out.write('"');
    }

    private void binary(int length) {
        byte[] base64 = Base64.getEncoder().encode(Arrays.copyOfRange(in, pos, pos + length));
        pos += length;
        out.write('"');
        out.write(base64, 0, base64.length);
        out.write('"');
    }
}
