package io.greenlang.messaging;

/** How a backend provides a {@link Capability}. */
public enum Support {
    /** Provided by the broker itself. */
    NATIVE,
    /** Provided by the library on top of the broker; it behaves the same, perhaps at some cost. */
    EMULATED,
    /** Not provided; operations that need it fail with {@link UnsupportedCapabilityException}. */
    UNSUPPORTED
}
