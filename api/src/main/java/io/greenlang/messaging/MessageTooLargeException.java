package io.greenlang.messaging;

/**
 * A message is larger than the broker's configured maximum ({@code max-message-size}). Raised by the publish call
 * before any I/O: nothing is sent, stored or created (no topic, no stream).
 *
 * <p>What is counted, on every backend: the bytes the message takes in the library's binary envelope, the form
 * Redis and Kafka store. That is the payload's bytes, every string field (id, topic, content type, header names and
 * values, correlation id, reply-to, key) in UTF-8 bytes, not characters (a '€' counts 3), plus about 60 bytes of
 * framing, times and the 32-byte provenance hash. A message within the limit is never refused by the backend for
 * its size.
 */
public class MessageTooLargeException extends MessagingException {
    private static final long serialVersionUID = 1L;

    private final long size;
    private final long limit;

    public MessageTooLargeException(String topic, long size, long limit) {
        super("Message for topic '" + topic + "' is " + size + " bytes (its fields in UTF-8 and its envelope), over "
                + "the limit of " + limit + " bytes. Split the payload, store it elsewhere and send a reference, or raise the broker "
                + "option 'max-message-size'.");
        this.size = size;
        this.limit = limit;
    }

    /** The refused message's size as the limit counts it: the bytes of its stored form, see above. */
    public long size() {
        return size;
    }

    /** The configured limit, in bytes. */
    public long limit() {
        return limit;
    }
}
