package io.greenlang.messaging.spi.wire;

import io.greenlang.messaging.Message;
import io.greenlang.messaging.spi.codec.JsonCodec;
import io.greenlang.messaging.spi.codec.MessagePackCodec;
import java.util.List;

/**
 * The constants of the envelope layout that {@link WireFormat} documents, shared by the encoder, the decoder and
 * {@link EnvelopeSize}.
 */
final class EnvelopeLayout {
    /** The envelope version written; version 1 is still read. */
    static final int VERSION = 2;
    /** The first bytes of every envelope, one byte per character. */
    static final String MAGIC = "GLM";

    static final int HAS_EXPIRY = 1;
    static final int HAS_CORRELATION_ID = 1 << 1;
    static final int HAS_REPLY_TO = 1 << 2;
    static final int HAS_KEY = 1 << 3;
    static final int HAS_HASH = 1 << 4;
    static final int CONTENT_TYPE_CODED = 1 << 5;
    static final int ID_AS_UUID = 1 << 6;
    static final int KNOWN_FLAGS_V1 = HAS_EXPIRY | HAS_CORRELATION_ID | HAS_REPLY_TO | HAS_KEY | HAS_HASH
            | CONTENT_TYPE_CODED;
    static final int KNOWN_FLAGS = KNOWN_FLAGS_V1 | ID_AS_UUID;

    static final int HASH_BYTES = 32;
    static final int UUID_BYTES = 16;

    /** The content types written as a code: the code is the index. */
    static final List<String> CODED_CONTENT_TYPES = List.of(Message.OCTET_STREAM,
            JsonCodec.CONTENT_TYPE, MessagePackCodec.CONTENT_TYPE);

    private EnvelopeLayout() {
    }

    /** The code of a content type written as one, else -1; a message's content type is mostly the constant. */
    static int contentTypeCode(String contentType) {
        for (int code = 0; code < CODED_CONTENT_TYPES.size(); code++) {
            if (CODED_CONTENT_TYPES.get(code) == contentType) {
                return code;
            }
        }
        return CODED_CONTENT_TYPES.indexOf(contentType);
    }

    /** The bytes of {@code v} as a varint. */
    static int varintSize(int v) {
        int n = 1;
        while ((v >>>= 7) != 0) {
            n++;
        }
        return n;
    }
}
