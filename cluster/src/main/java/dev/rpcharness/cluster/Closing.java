package dev.rpcharness.cluster;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Closes resources in a given order, going on after a failure. Stateless. */
final class Closing {

    private static final Logger log = LoggerFactory.getLogger(Closing.class);

    private Closing() {
    }

    /**
     * Closes each of {@code order} in turn; a failure is logged and the rest are still closed.
     *
     * @throws RuntimeException the first failure (a checked one wrapped in {@link IllegalStateException}), with
     *                          the later ones suppressed
     */
    static void closeAll(List<? extends AutoCloseable> order) {
        RuntimeException first = null;
        for (AutoCloseable resource : order) {
            try {
                resource.close();
            } catch (Exception e) {
                log.warn("closing {} failed", resource, e);
                RuntimeException wrapped = e instanceof RuntimeException re ? re
                        : new IllegalStateException("closing " + resource + " failed", e);
                if (first == null) {
                    first = wrapped;
                } else {
                    first.addSuppressed(wrapped);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
