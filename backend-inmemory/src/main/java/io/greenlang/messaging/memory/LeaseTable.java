package io.greenlang.messaging.memory;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * The leases a group has handed out, in slots: adding and removing cost no hashing, and scanning for
 * expired leases touches only the slots in use. Guarded by the topic's lock.
 */
final class LeaseTable {
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
