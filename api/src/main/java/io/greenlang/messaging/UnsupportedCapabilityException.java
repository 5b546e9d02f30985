package io.greenlang.messaging;

/**
 * The backend declares a capability {@link Support#UNSUPPORTED} and an operation needed it.
 */
public class UnsupportedCapabilityException extends MessagingException {
    private static final long serialVersionUID = 1L;

    private final Capability capability;

    public UnsupportedCapabilityException(Capability capability, String backend, String reason) {
        super("Backend '" + backend + "' does not support " + capability + ": " + reason);
        this.capability = capability;
    }

    public Capability capability() {
        return capability;
    }
}
