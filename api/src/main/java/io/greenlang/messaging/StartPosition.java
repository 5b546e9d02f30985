package io.greenlang.messaging;

/** Where a group starts reading when it is created. Has no effect on a group that already exists. */
public enum StartPosition {
    /** Only messages published after the group was created. */
    LATEST,
    /** From the earliest retained message. */
    EARLIEST
}
