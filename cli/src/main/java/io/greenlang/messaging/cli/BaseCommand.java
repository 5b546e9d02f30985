package io.greenlang.messaging.cli;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.Names;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * What every command shares: the common options, its output writers, and error reporting, so that a
 * failure is one line ({@code glm: ...}) with exit code 1 however the command line was built.
 */
abstract class BaseCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Override
    public final Integer call() {
        try {
            return execute();
        } catch (ParameterException e) {
            throw e; // reported by the parameter exception handler, with exit code 2
        } catch (RuntimeException e) {
            return Errors.report(err(), e, common.verbose);
        }
    }

    /** Runs the command; returns its exit code. */
    protected abstract int execute();

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    InputStream stdin() {
        Object root = spec.root().userObject();
        return root instanceof Main ? ((Main) root).stdin() : System.in;
    }

    /** Progress on standard error: an updating line on a terminal, plain lines otherwise. */
    Progress progress(String label) {
        return new Progress(err(), label, System.console() != null);
    }

    /**
     * Connects, and warns on standard error when the broker is a private {@code memory://} one, whose topics
     * vanish when this command exits: publishing there, or reading from it, is rarely what the user meant.
     */
    Broker connectForData() {
        Broker broker = common.connect();
        if (broker.name().equals("memory://")) {
            err().println("glm: note: memory:// is private to this command and empty when it starts; its messages "
                    + "are gone when it exits. Use a broker server URL (--url or GREENLANG_MESSAGING_URL) to keep them.");
            err().flush();
        }
        return broker;
    }

    /** A usage error (exit code 2) about this command's arguments. */
    ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    /** {@code topic}, if it is a valid topic name; else a usage error (exit code 2) saying what is wrong. */
    String validTopic(String topic) {
        try {
            return Names.requireValidTopic(topic);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
    }

    /** {@code group}, if it is a valid group name; else a usage error (exit code 2) saying what is wrong. */
    String validGroup(String group) {
        try {
            return Names.requireValidGroup(group);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
    }
}
