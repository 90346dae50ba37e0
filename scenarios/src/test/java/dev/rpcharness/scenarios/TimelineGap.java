package dev.rpcharness.scenarios;

import static dev.rpcharness.loadtest.gatling.RpcDsl.verify;

import dev.rpcharness.loadtest.gatling.VerifyActionBuilder;
import dev.rpcharness.run.TimelineEvent;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A recovery figure of a link scenario read from the cluster's timeline: the time from the first event of one kind
 * (a {@code link-cut}, a {@code link-heal}) to the first event of another kind after it (a {@code client-ejected},
 * {@code client-delisted}, {@code client-listed}) on a subject, checked against a limit and logged as
 * {@code RECOVERY <name>: <ms> ms}. Immutable; the check runs on the target's verify step.
 */
final class TimelineGap {

    private static final Logger log = LoggerFactory.getLogger(TimelineGap.class);

    private TimelineGap() {
    }

    /**
     * A verify step named {@code name}: holds when a {@code toAction} on {@code toSubject} follows the first
     * {@code fromAction} on {@code fromSubject} strictly within {@code limit}.
     */
    static VerifyActionBuilder within(String name, String fromAction, String fromSubject, String toAction,
                                      String toSubject, Duration limit) {
        return verify(name, target -> {
            List<TimelineEvent> events;
            try {
                events = target.cluster().timeline().events();
            } catch (RuntimeException e) {
                return "no timeline to check: " + e.getMessage();
            }
            TimelineEvent from = null;
            for (TimelineEvent e : events) {
                if (from == null && e.action().equals(fromAction) && e.subject().equals(fromSubject)) {
                    from = e;
                } else if (from != null && e.action().equals(toAction) && e.subject().equals(toSubject)) {
                    long nanos = e.monotonicNanos() - from.monotonicNanos();
                    log.info("RECOVERY {}: {} ms ({} {} to {} {})", name,
                            String.format(Locale.ROOT, "%.0f", nanos / 1e6), fromAction, fromSubject, toAction,
                            toSubject);
                    return nanos < limit.toNanos() ? null : name + ": took " + nanos / 1_000_000 + " ms";
                }
            }
            return from == null ? "the timeline has no " + fromAction + " of " + fromSubject
                    : "no " + toAction + " of " + toSubject + " after " + fromAction + " of " + fromSubject;
        });
    }
}
