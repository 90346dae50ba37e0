package dev.rpcharness.provider.internal.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import java.net.BindException;
import java.util.concurrent.TimeUnit;

/**
 * Binds a provider's listening port. A port just released by the same provider can still be held for a moment
 * (NIO closes a registered socket only at the event loop's next select), so a busy fixed port is retried for up
 * to a second; a free port (0) is never retried. Stateless.
 */
final class PortBinder {

    private static final long RETRY_FOR_NANOS = TimeUnit.SECONDS.toNanos(1);

    private PortBinder() {
    }

    /**
     * The bound server channel.
     *
     * @param waitNanos how long one attempt may wait for the I/O thread that binds (busy only while an
     *                  implementation blocks it)
     * @throws IllegalStateException naming the provider and the address when the port cannot be bound
     */
    static Channel bind(ServerBootstrap bootstrap, String host, int port, String providerName, long waitNanos) {
        long deadline = System.nanoTime() + RETRY_FOR_NANOS;
        while (true) {
            ChannelFuture bound = bootstrap.bind(host, port);
            if (!bound.awaitUninterruptibly(waitNanos, TimeUnit.NANOSECONDS)) {
                bound.addListener(ChannelFutureListener.CLOSE); // whenever it binds after all, let it go
                throw new IllegalStateException("provider " + providerName + " cannot bind " + host + ":" + port
                        + ": its I/O thread did not answer within " + TimeUnit.NANOSECONDS.toMillis(waitNanos)
                        + " ms (an implementation blocks it)");
            }
            if (bound.isSuccess()) {
                return bound.channel();
            }
            Throwable e = bound.cause();
            boolean busy = e instanceof BindException || e.getCause() instanceof BindException;
            if (!busy || port == 0 || System.nanoTime() > deadline) {
                throw new IllegalStateException("provider " + providerName + " cannot bind " + host + ":" + port
                        + ": " + e, e);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while binding " + host + ":" + port, ie);
            }
        }
    }
}
