package io.greenlang.messaging.spi.provenance;

/**
 * Writes the canonical JSON (see {@link Provenance}) of a JSON payload in one pass over its bytes, without a tree,
 * when its object members already come in canonical key order, as {@link io.greenlang.messaging.spi.codec.JsonCodec}
 * writes them. Whitespace is dropped, numbers and string escapes are rewritten in canonical form, the rest is
 * copied.
 *
 * <p>It gives up ({@code false}) on anything it is not sure of, and the caller then canonicalizes through
 * {@link CanonicalPayload}: keys out of order, duplicated or needing escapes, escapes of characters above U+007F,
 * long numbers, deep nesting, anything malformed. So whenever it succeeds its output is the one
 * {@link CanonicalPayload#fromJson} gives: the property tests compare the two on random documents.
 *
 * <p>Not thread-safe: one instance per thread.
 */
final class JsonStreamCanonicalizer {
    /** Deeper documents go the slow way (which hashes beyond 500 raw); well inside Jackson's own limit too. */
    private static final int MAX_DEPTH = 400;
    /** Longer number tokens go the slow way: a canonical form of at most 400 digits fits this surely. */
    private static final int MAX_NUMBER_TOKEN = 200;
    /** Longer keys go the slow way: Jackson refuses names over 50,000 characters. */
    private static final int MAX_KEY_BYTES = 40_000;
    /** Larger payloads go the slow way: Jackson refuses strings over 20,000,000 characters. */
    private static final int MAX_PAYLOAD = 16 * 1024 * 1024;

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

    JsonStreamCanonicalizer(CanonicalOutput out) {
        this.out = out;
    }

    /** Writes the canonical JSON of {@code payload[0, length)} to the output, or returns {@code false}. */
    boolean write(byte[] payload, int length) {
        if (length == 0 || length > MAX_PAYLOAD) {
            return false;
        }
        in = payload;
        end = length;
        pos = 0;
        out.reset();
        try {
            value(0);
            skipWhitespace();
            return pos == end;
        } catch (GiveUp e) {
            return false;
        } finally {
            in = null;
        }
    }

    private void skipWhitespace() {
        while (pos < end) {
            byte b = in[pos];
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return;
            }
            pos++;
        }
    }

    private byte next() throws GiveUp {
        skipWhitespace();
        if (pos >= end) {
            throw GiveUp.INSTANCE;
        }
        return in[pos];
    }

    private void value(int depth) throws GiveUp {
        byte b = next();
        switch (b) {
            case '{' -> object(depth);
            case '[' -> array(depth);
            case '"' -> string();
            case 't' -> literal("true");
            case 'f' -> literal("false");
            case 'n' -> literal("null");
            default -> {
                if (b == '-' || (b >= '0' && b <= '9')) {
                    number();
                } else {
                    throw GiveUp.INSTANCE;
                }
            }
        }
    }

    private void object(int depth) throws GiveUp {
        if (depth >= MAX_DEPTH) {
            throw GiveUp.INSTANCE;
        }
        pos++;
        out.write('{');
        if (next() == '}') {
            pos++;
            out.write('}');
            return;
        }
        int previousFrom = -1;
        int previousTo = -1;
        while (true) {
            if (next() != '"') {
                throw GiveUp.INSTANCE;
            }
            int from = ++pos;
            while (pos < end && in[pos] != '"') {
                pos++; // a backslash here makes the key fail isPlainKey
            }
            if (pos >= end) {
                throw GiveUp.INSTANCE;
            }
            int to = pos++;
            if (to - from > MAX_KEY_BYTES || !CanonicalOutput.isPlainKey(in, from, to)
                    || (previousFrom >= 0 && CanonicalOutput.compareKeys(in, previousFrom, previousTo, from, to) >= 0)) {
                throw GiveUp.INSTANCE; // out of order or duplicated: the slow way sorts, or hashes raw
            }
            previousFrom = from;
            previousTo = to;
            out.write(in, from - 1, to + 1);
            if (next() != ':') {
                throw GiveUp.INSTANCE;
            }
            pos++;
            out.write(':');
            value(depth + 1);
            byte b = next();
            pos++;
            if (b == '}') {
                out.write('}');
                return;
            }
            if (b != ',') {
                throw GiveUp.INSTANCE;
            }
            out.write(',');
        }
    }

    private void array(int depth) throws GiveUp {
        if (depth >= MAX_DEPTH) {
            throw GiveUp.INSTANCE;
        }
        pos++;
        out.write('[');
        if (next() == ']') {
            pos++;
            out.write(']');
            return;
        }
        while (true) {
            value(depth + 1);
            byte b = next();
            pos++;
            if (b == ']') {
                out.write(']');
                return;
            }
            if (b != ',') {
                throw GiveUp.INSTANCE;
            }
            out.write(',');
        }
    }

    private void literal(String word) throws GiveUp {
        if (end - pos < word.length()) {
            throw GiveUp.INSTANCE;
        }
        for (int i = 0; i < word.length(); i++) {
            if (in[pos + i] != word.charAt(i)) {
                throw GiveUp.INSTANCE;
            }
        }
        pos += word.length();
        out.ascii(word);
        requireDelimiter();
    }

    /** A scalar must be followed by whitespace, a separator or the end, as Jackson requires. */
    private void requireDelimiter() throws GiveUp {
        if (pos < end) {
            byte b = in[pos];
            if (b != ',' && b != ']' && b != '}' && b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                throw GiveUp.INSTANCE;
            }
        }
    }

    private void string() throws GiveUp {
        pos++;
        out.write('"');
        int run = pos; // start of bytes copied as they are
        while (true) {
            if (pos >= end) {
                throw GiveUp.INSTANCE;
            }
            int b = in[pos] & 0xff;
            if (b == '"') {
                out.write(in, run, pos);
                pos++;
                out.write('"');
                return;
            }
            if (b == '\\') {
                out.write(in, run, pos);
                escape();
                run = pos;
            } else if (b < 0x20) {
                throw GiveUp.INSTANCE; // invalid JSON
            } else if (b < 0x80) {
                pos++;
            } else {
                int n = CanonicalOutput.utf8SequenceLength(in, pos, end);
                if (n < 0) {
                    throw GiveUp.INSTANCE;
                }
                pos += n;
            }
        }
    }

    /** Rewrites the escape at {@code pos} canonically; escapes of characters from U+0080 give up. */
    private void escape() throws GiveUp {
        if (end - pos < 2) {
            throw GiveUp.INSTANCE;
        }
        int c;
        switch (in[pos + 1]) {
            case '"' -> c = '"';
            case '\\' -> c = '\\';
            case '/' -> c = '/';
            case 'b' -> c = '\b';
            case 'f' -> c = '\f';
            case 'n' -> c = '\n';
            case 'r' -> c = '\r';
            case 't' -> c = '\t';
            case 'u' -> {
                if (end - pos < 6) {
                    throw GiveUp.INSTANCE;
                }
                c = 0;
                for (int i = 2; i < 6; i++) {
                    c = c << 4 | hexDigit(in[pos + i]);
                }
                if (c >= 0x80) {
                    throw GiveUp.INSTANCE;
                }
                pos += 4;
            }
            default -> throw GiveUp.INSTANCE;
        }
        pos += 2;
        out.escapedAscii(c);
    }

    private static int hexDigit(byte b) throws GiveUp {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        if (b >= 'a' && b <= 'f') {
            return b - 'a' + 10;
        }
        if (b >= 'A' && b <= 'F') {
            return b - 'A' + 10;
        }
        throw GiveUp.INSTANCE;
    }

    /** A JSON number, strictly by the grammar, rewritten as its plain canonical decimal. */
    private void number() throws GiveUp {
        int start = pos;
        boolean negative = in[pos] == '-';
        if (negative) {
            pos++;
        }
        int intFrom = pos;
        digits();
        int intTo = pos;
        if (intTo == intFrom || (in[intFrom] == '0' && intTo - intFrom > 1)) {
            throw GiveUp.INSTANCE; // no digits, or a leading zero
        }
        int fracFrom = pos;
        int fracTo = pos;
        if (pos < end && in[pos] == '.') {
            fracFrom = ++pos;
            digits();
            fracTo = pos;
            if (fracTo == fracFrom) {
                throw GiveUp.INSTANCE;
            }
        }
        long exponent = 0;
        boolean hasExponent = pos < end && (in[pos] == 'e' || in[pos] == 'E');
        if (hasExponent) {
            pos++;
            boolean negativeExponent = false;
            if (pos < end && (in[pos] == '+' || in[pos] == '-')) {
                negativeExponent = in[pos] == '-';
                pos++;
            }
            int expFrom = pos;
            digits();
            if (pos == expFrom) {
                throw GiveUp.INSTANCE;
            }
            for (int i = expFrom; i < pos; i++) {
                exponent = exponent * 10 + (in[i] - '0');
                if (exponent > 1_000_000_000L) {
                    throw GiveUp.INSTANCE;
                }
            }
            if (negativeExponent) {
                exponent = -exponent;
            }
        }
        if (pos - start > MAX_NUMBER_TOKEN) {
            throw GiveUp.INSTANCE;
        }
        requireDelimiter();
        if (fracTo == fracFrom && !hasExponent) { // an integer: already canonical, but for -0
            if (negative && intTo - intFrom == 1 && in[intFrom] == '0') {
                out.write('0');
            } else {
                out.write(in, start, intTo);
            }
            return;
        }
        decimal(negative, intFrom, intTo, fracFrom, fracTo, exponent);
    }

    private void digits() {
        while (pos < end && in[pos] >= '0' && in[pos] <= '9') {
            pos++;
        }
    }

    /**
     * The plain form of (integer digits, fraction digits) times ten to {@code exponent}, as
     * {@link CanonicalPayload#plain} writes its exact value: no leading or trailing zeros, {@code 0} for zero.
     */
    private void decimal(boolean negative, int intFrom, int intTo, int fracFrom, int fracTo, long exponent)
            throws GiveUp {
        // The significant digits are the integer digits then the fraction digits, without the point.
        int significant = (intTo - intFrom) + (fracTo - fracFrom);
        int first = 0;
        while (first < significant && digitAt(first, intFrom, intTo, fracFrom) == '0') {
            first++;
        }
        if (first == significant) {
            out.write('0');
            return;
        }
        int last = significant; // exclusive
        while (digitAt(last - 1, intFrom, intTo, fracFrom) == '0') {
            last--;
        }
        int precision = last - first;
        // value = digits[first, last) * 10^-scale
        long scale = (fracTo - fracFrom) - exponent - (significant - last);
        if (precision + Math.abs(scale) > CanonicalPayload.MAX_NUMBER_LENGTH) {
            throw GiveUp.INSTANCE; // the slow way hashes it raw
        }
        if (negative) {
            out.write('-');
        }
        if (scale <= 0) {
            copyDigits(first, last, intFrom, intTo, fracFrom);
            for (long i = 0; i < -scale; i++) {
                out.write('0');
            }
        } else if (scale >= precision) {
            out.write('0');
            out.write('.');
            for (long i = precision; i < scale; i++) {
                out.write('0');
            }
            copyDigits(first, last, intFrom, intTo, fracFrom);
        } else {
            int point = last - (int) scale;
            copyDigits(first, point, intFrom, intTo, fracFrom);
            out.write('.');
            copyDigits(point, last, intFrom, intTo, fracFrom);
        }
    }

    private byte digitAt(int i, int intFrom, int intTo, int fracFrom) {
        int intLength = intTo - intFrom;
        return i < intLength ? in[intFrom + i] : in[fracFrom + i - intLength];
    }

    private void copyDigits(int from, int to, int intFrom, int intTo, int fracFrom) {
        for (int i = from; i < to; i++) {
            out.write(digitAt(i, intFrom, intTo, fracFrom));
        }
    }
}
