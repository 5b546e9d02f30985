package io.greenlang.messaging.memory;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The leases a group has handed out, in slots: adding and removing cost no hashing, and scanning for
 * expired leases touches only the slots in use. It also knows which keys ordered members hold (a key is held
 * while its member has a lease on one of its messages). Guarded by the topic's lock.
 */
final class LeaseTable {
    /** The member holding a key, and by how many leases. */
    private static final class KeyHold {
        final String owner;
        int leases;

        KeyHold(String owner) {
            this.owner = owner;
        }
    }

    private final Map<Integer, KeyHold> keyHolds = new HashMap<>();
    private Lease[] slots = new Lease[64];
    private int[] free = new int[64];
    private int freeCount;
    private int used; // slots[0..used) have been handed out at least once
    private int size;

    void add(Lease lease) {
        int slot;
        if (freeCount > 0) {
            slot = free[--freeCount];
        } else {
            if (used == slots.length) {
                slots = Arrays.copyOf(slots, used * 2);
            }
            slot = used++;
        }
        slots[slot] = lease;
        lease.slot = slot;
        size++;
        if (lease.holdsKey) {
            keyHolds.computeIfAbsent(lease.entry.keyCode(), k -> new KeyHold(lease.owner)).leases++;
        }
    }

    /** Removes the lease if it is still in the table. */
    void remove(Lease lease) {
        int slot = lease.slot;
        if (slot < 0 || slots[slot] != lease) {
            return;
        }
        slots[slot] = null;
        lease.slot = -1;
        if (freeCount == free.length) {
            free = Arrays.copyOf(free, free.length * 2);
        }
        free[freeCount++] = slot;
        size--;
        if (lease.holdsKey) {
            KeyHold hold = keyHolds.get(lease.entry.keyCode());
            if (--hold.leases == 0) {
                keyHolds.remove(lease.entry.keyCode());
            }
        }
    }

    /** Whether an ordered member other than {@code member} holds the key of {@code keyCode}. */
    boolean isKeyHeldByAnother(int keyCode, String member) {
        if (keyCode == KeyCodes.NONE || keyHolds.isEmpty()) {
            return false;
        }
        KeyHold hold = keyHolds.get(keyCode);
        return hold != null && !hold.owner.equals(member);
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** Calls {@code action} for every lease; the action may remove the lease it is given. */
    void forEach(Consumer<Lease> action) {
        for (int i = 0; i < used; i++) {
            Lease lease = slots[i];
            if (lease != null) {
                action.accept(lease);
            }
        }
    }
}
