package dev.rpcharness.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rpcharness.consumer.RpcFuture;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Small helpers of the resilience suite for reading how calls ended. */
final class Calls {

    private Calls() {
    }

    /** Waits for the call to end (at most {@code atMost}) and returns its exception, or null after a result. */
    static Throwable outcome(RpcFuture future, Duration atMost) {
        try {
            future.get(atMost.toMillis(), TimeUnit.MILLISECONDS);
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (TimeoutException e) {
            throw new AssertionError("call still running after " + atMost.toMillis() + " ms: it hangs", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Milliseconds from {@code fromNanos} to the call's end. */
    static long endedMillisAfter(RpcFuture future, long fromNanos) {
        assertThat(future.isDone()).isTrue();
        return TimeUnit.NANOSECONDS.toMillis(future.endNanos() - fromNanos);
    }

    /** Number of futures still running. */
    static long running(List<RpcFuture> futures) {
        return futures.stream().filter(f -> !f.isDone()).count();
    }
}
