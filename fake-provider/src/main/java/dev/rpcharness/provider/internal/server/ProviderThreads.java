package dev.rpcharness.provider.internal.server;

import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * Makes the threads of one provider's pool (daemon threads named {@code <prefix>-<pool>-<n>}) and remembers them,
 * so closing the provider can wait until each has really ended: an executor reports termination a moment before
 * its last thread is gone. Thread-safe.
 */
final class ProviderThreads implements ThreadFactory {

    private final ThreadFactory names;
    private final List<Thread> made = new ArrayList<>();

    ProviderThreads(String prefix) {
        this.names = new DefaultThreadFactory(prefix, true);
    }

    @Override
    public Thread newThread(Runnable r) {
        Thread t = names.newThread(r);
        synchronized (made) {
            made.removeIf(old -> old.getState() == Thread.State.TERMINATED);
            made.add(t);
        }
        return t;
    }

    /**
     * Waits until every thread made so far has ended, or until {@code deadlineNanos} (a {@link System#nanoTime}
     * value); returns whether they all ended.
     */
    boolean awaitEnd(long deadlineNanos) throws InterruptedException {
        List<Thread> threads;
        synchronized (made) {
            threads = new ArrayList<>(made);
        }
        for (Thread t : threads) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0 && t.isAlive()) {
                return false;
            }
            if (left > 0) {
                TimeUnit.NANOSECONDS.timedJoin(t, left);
            }
        }
        return threads.stream().noneMatch(Thread::isAlive);
    }
}
