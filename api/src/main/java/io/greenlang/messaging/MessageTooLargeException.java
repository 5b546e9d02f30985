package io.greenlang.messaging;

/**
 * A message is larger than the broker's configured maximum. Raised before anything is sent.
 */
public class MessageTooLargeException extends MessagingException {
    private static final long serialVersionUID = 1L;

    private final long size;
    private final long limit;

    public MessageTooLargeException(String topic, long size, long limit) {
        super("Message for topic '" + topic + "' is " + size + " bytes, over the limit of " + limit
                + " bytes. Split the payload, store it elsewhere and send a reference, or raise the broker "
                + "option 'max-message-size'.");
        this.size = size;
        this.limit = limit;
    }

    /** The refused message's {@link Message#approximateSize()}, in bytes. */
    public long size() {
        return size;
    }

    /** The configured limit, in bytes. */
    public long limit() {
        return limit;
    }
}
