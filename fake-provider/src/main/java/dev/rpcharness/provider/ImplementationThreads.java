package dev.rpcharness.provider;

/**
 * Where a {@link FakeProvider} runs the implementations and stubs it serves; chosen once, on its builder
 * ({@link FakeProvider.Builder#implementationThreads}).
 */
public enum ImplementationThreads {

    /**
     * The default: every call's implementation runs on the provider's worker pool, so an implementation may block
     * (wait on a latch, sleep, make a synchronous call). A blocked call holds one worker, never the I/O thread: the
     * provider's other calls and connections go on, and chaos steps and {@code close} do not wait for it
     * ({@code close} interrupts it).
     */
    WORKER_POOL,

    /**
     * The opt-in for speed: implementations run on the connection's I/O thread (event loop), at the speed of the
     * wire, without a hand-off. Only for implementations that never block: one that does stalls every connection
     * served by that I/O thread until it returns, and chaos steps and {@code close} then give up waiting for that
     * thread after a second (logged) instead of taking effect at once.
     */
    IO_THREAD
}
