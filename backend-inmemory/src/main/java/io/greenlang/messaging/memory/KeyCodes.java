package io.greenlang.messaging.memory;

import java.util.Optional;

/**
 * Codes for message keys, kept in each {@link Entry} (an {@code int}, not the key, so that the log holds no extra
 * object per message). Two keys may share a code; then ordered members treat them as one key, which costs only
 * parallelism, never order.
 */
final class KeyCodes {
    /** The code of a message without a key: such messages have no order to keep. */
    static final int NONE = 0;

    private KeyCodes() {
    }

    static int of(Optional<String> key) {
        if (key.isEmpty()) {
            return NONE;
        }
        int code = key.get().hashCode();
        return code == NONE ? 1 : code;
    }
}
