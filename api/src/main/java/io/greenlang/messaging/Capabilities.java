package io.greenlang.messaging;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a backend supports, capability by capability, with a reason for every one that is not native.
 * Immutable.
 */
public final class Capabilities {
    private final Map<Capability, Support> support;
    private final Map<Capability, String> reasons;

    private Capabilities(Builder b) {
        this.support = new EnumMap<>(b.support);
        this.reasons = new EnumMap<>(b.reasons);
    }

    /** A builder in which every capability starts out {@link Support#NATIVE}. */
    public static Builder builder() {
        return new Builder();
    }

    public Support support(Capability capability) {
        return support.get(Objects.requireNonNull(capability, "capability"));
    }

    /** Whether the capability is native or emulated. */
    public boolean supports(Capability capability) {
        return support(capability) != Support.UNSUPPORTED;
    }

    /** Why a capability is emulated or unsupported; empty for native ones. */
    public String reason(Capability capability) {
        return reasons.getOrDefault(capability, "");
    }

    /** Fails with {@link UnsupportedCapabilityException} if the capability is unsupported. */
    public void require(Capability capability, String backend) {
        if (!supports(capability)) {
            throw new UnsupportedCapabilityException(capability, backend, reason(capability));
        }
    }

    @Override
    public String toString() {
        return "Capabilities" + support;
    }

    /** Builds {@link Capabilities}. */
    public static final class Builder {
        private final Map<Capability, Support> support = new EnumMap<>(Capability.class);
        private final Map<Capability, String> reasons = new EnumMap<>(Capability.class);

        private Builder() {
            for (Capability c : Capability.values()) {
                support.put(c, Support.NATIVE);
            }
        }

        public Builder emulated(Capability capability, String how) {
            return set(capability, Support.EMULATED, how);
        }

        public Builder unsupported(Capability capability, String why) {
            return set(capability, Support.UNSUPPORTED, why);
        }

        private Builder set(Capability capability, Support level, String reason) {
            Objects.requireNonNull(capability, "capability");
            if (Objects.requireNonNull(reason, "reason").isBlank()) {
                throw new IllegalArgumentException("a reason is required for " + level + " " + capability);
            }
            support.put(capability, level);
            reasons.put(capability, reason);
            return this;
        }

        public Capabilities build() {
            return new Capabilities(this);
        }
    }
}
