package dev.rpcharness.loadtest.spread;

import dev.rpcharness.cluster.ClusterSpec;
import java.util.SplittableRandom;

/**
 * The client identity of a guest injector: a client id of its own, derived from the run's seed and the injector's
 * index, so the providers' fault draws (which mix the client id) differ between injectors yet repeat in a replay,
 * and the call-history check tells the injectors' calls apart.
 */
public final class GuestIdentity {

    private GuestIdentity() {
    }

    /** {@code spec} with a client id for injector {@code index}, unless its client options name one already. */
    public static ClusterSpec of(ClusterSpec spec, int index) {
        if (spec.clientOptions().clientId() != null) {
            return spec;
        }
        long drawn = new SplittableRandom(spec.seed()).split().nextLong() ^ (index + 1L) * 0xC2B2AE3D27D4EB4FL;
        String id = "injector-" + index + "-" + String.format("%016x", new SplittableRandom(drawn).nextLong());
        return spec.toBuilder().clientOptions(spec.clientOptions().toBuilder().clientId(id).build()).build();
    }
}
