package dev.rpcharness.cluster;

import dev.rpcharness.consumer.ConsumerOptions;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The client ids ({@link ConsumerOptions#clientId()}, sent as {@code X-Rpc-Client-Id}) of one cluster's clients,
 * derived from the cluster's seed and each client's index in the order the cluster makes them:
 * {@code c<index>-<16 hex digits drawn from the seed and the index>}. So a run with the same seed and the same
 * clients made in the same order sends the same ids, and its fake providers draw the same faults per call
 * (docs/history.md, "Replay"), while two clients of one run draw apart.
 *
 * <p>Threading: thread-safe. Lifecycle: one per cluster.
 */
final class ClientIds {

    private final long seed;
    private final AtomicInteger made = new AtomicInteger();

    ClientIds(long seed) {
        this.seed = seed;
    }

    /** The id of the client of index {@code index} in a cluster seeded with {@code seed}. */
    static String derive(long seed, int index) {
        long drawn = new SplittableRandom(seed).split().nextLong() ^ (index + 1L) * 0x9E3779B97F4A7C15L;
        return "c" + index + "-" + String.format("%016x", new SplittableRandom(drawn).nextLong());
    }

    /**
     * {@code options} for the next client the cluster makes: with that client's derived id, unless the options
     * name an id of their own (kept as given). Every call counts one client.
     */
    ConsumerOptions next(ConsumerOptions options) {
        int index = made.getAndIncrement();
        return options.clientId() != null ? options : options.toBuilder().clientId(derive(seed, index)).build();
    }
}
