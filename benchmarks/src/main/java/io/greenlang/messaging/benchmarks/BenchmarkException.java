package io.greenlang.messaging.benchmarks;

/** A benchmark run could not complete: a timeout, a failed publish, no baseline where one was required. */
public class BenchmarkException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BenchmarkException(String message) {
        super(message);
    }

    public BenchmarkException(String message, Throwable cause) {
        super(message, cause);
    }
}
