package io.greenlang.messaging.examples;

import java.io.PrintStream;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.Brokers;
import io.greenlang.messaging.VersionConflictException;
import io.greenlang.messaging.patterns.EventStore;
import io.greenlang.messaging.patterns.Snapshot;
import io.greenlang.messaging.patterns.StoredEvent;

/**
 * Event sourcing: an account's deposits and withdrawals are events in a stream; its balance is rebuilt from
 * them. Two tellers decide on the same version; the second append fails with a version conflict, so that
 * teller rebuilds and tries again.
 */
public final class EventSourcingExample {
    /** An event. */
    public record Deposited(long cents) {
    }

    /** An event. */
    public record Withdrawn(long cents) {
    }

    /** The state events are folded into. */
    public record Account(long balanceCents, int events) {
        static final Account OPENED = new Account(0, 0);

        Account apply(StoredEvent e) {
            return switch (e.type()) {
                case "Deposited" -> new Account(balanceCents + e.body(Deposited.class).cents(), events + 1);
                case "Withdrawn" -> new Account(balanceCents - e.body(Withdrawn.class).cents(), events + 1);
                default -> this;
            };
        }
    }

    /** The rebuilt account, and the conflict the second teller met (empty text if none). */
    public record Result(Account account, long version, String conflict) {
    }

    private EventSourcingExample() {
    }

    public static void main(String[] args) {
        try (Broker broker = Brokers.connect(ExampleSupport.brokerUrl(args))) {
            run(broker, System.out);
        }
    }

    public static Result run(Broker broker, PrintStream out) {
        EventStore store = EventStore.create(broker, ExampleSupport.unique("accounts") + ".");
        String stream = "account-42";
        store.append(stream, new Deposited(10_000));
        store.append(stream, new Withdrawn(2_500));
        String conflict = "";
        if (store.supportsExpectedVersion()) {
            Snapshot<Account> tellerA = store.rebuild(stream, Account.OPENED, Account::apply);
            Snapshot<Account> tellerB = store.rebuild(stream, Account.OPENED, Account::apply);
            store.append(stream, new Withdrawn(5_000), tellerA.version());       // A was first
            try {
                store.append(stream, new Withdrawn(5_000), tellerB.version());   // B decided on a stale balance
            } catch (VersionConflictException e) {
                conflict = e.getMessage();
                out.println("teller B: " + conflict);
                Snapshot<Account> fresh = store.rebuild(stream, tellerB, Account::apply);   // continue from B's snapshot
                if (fresh.state().balanceCents() >= 5_000) {
                    store.append(stream, new Withdrawn(5_000), fresh.version());
                } else {
                    out.println("teller B: balance now " + fresh.state().balanceCents() + ", withdrawal refused");
                }
            }
        } else {
            out.println(broker.name() + " cannot append at an expected version; appending unconditionally");
            store.append(stream, new Withdrawn(5_000));
        }
        Snapshot<Account> account = store.rebuild(stream, Account.OPENED, Account::apply);
        store.readAll(stream).forEach(e -> out.println("  v" + e.version() + " " + e.type() + " " + e.message().payloadAsString()));
        out.println("balance " + account.state().balanceCents() + " cents after " + account.version() + " events");
        return new Result(account.state(), account.version(), conflict);
    }
}
