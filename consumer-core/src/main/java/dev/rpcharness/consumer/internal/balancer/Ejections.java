package dev.rpcharness.consumer.internal.balancer;

import dev.rpcharness.consumer.ConsumerOptions;
import java.util.Collection;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Outlier ejection for one balancer: records each call's end with the {@link OutlierDetector} and applies its
 * verdicts to the {@link ListedProvider}s, never ejecting more than {@code maxEjectionPercent} of them at once,
 * giving an ejected provider back on probation (one probe slot) and clearing the probation.
 *
 * <p>Threading: {@link #record} from any thread (the detector is thread-safe); every other method under the
 * balancer's lock, which guards the providers' fields changed here.
 */
final class Ejections {

    private static final Logger log = LoggerFactory.getLogger(Ejections.class);

    private final OutlierDetector outliers;
    private final int maxEjectionPercent;

    Ejections(ConsumerOptions options) {
        this.outliers = new OutlierDetector(options.outlierConsecutiveFailures(), options.outlierFailureRatio(),
                options.outlierMinimumCalls(), options.outlierInterval().toNanos(),
                options.outlierBaseEjectionTime().toNanos(), options.outlierMaxEjectionTime().toNanos(),
                System::nanoTime);
        this.maxEjectionPercent = options.maxEjectionPercent();
    }

    /** A call on {@code address} ended: null, a verdict that ejects, or {@link OutlierDetector.Verdict#CLEARED}. */
    OutlierDetector.Verdict record(String address, boolean providerFault) {
        return outliers.record(address, providerFault);
    }

    /** The provider was delisted: its record goes. */
    void forget(String address) {
        outliers.forget(address);
    }

    /**
     * Ejects {@code p} unless that would take more than {@code maxEjectionPercent} of {@code all} out at once (then
     * it stays, and a failed probe frees its slot for the next call). Returns whether it was ejected.
     */
    boolean eject(String address, ListedProvider p, Collection<ListedProvider> all) {
        long ejectedNow = all.stream().filter(x -> x.ejected).count();
        if ((ejectedNow + 1) * 100 > (long) maxEjectionPercent * all.size()) {
            outliers.refused(address);
            if (p.probe != null) {
                p.probe.set(0); // its probe failed but it stays in: the next call may probe again
            }
            log.debug("not ejecting {}: {} of {} providers already ejected, max {}%", address, ejectedNow,
                    all.size(), maxEjectionPercent);
            return false;
        }
        outliers.ejected(address);
        p.ejected = true;
        p.probe = null;
        return true;
    }

    /** The cool-down of {@code p} ended: it returns on probation, with one probe slot. */
    void giveBack(String address, ListedProvider p) {
        p.ejected = false;
        p.probe = new AtomicLong();
        outliers.returned(address);
    }
}
