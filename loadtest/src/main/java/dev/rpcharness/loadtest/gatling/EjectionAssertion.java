package dev.rpcharness.loadtest.gatling;

import dev.rpcharness.consumer.RoutingEvent;
import dev.rpcharness.run.TimelineAction;
import dev.rpcharness.run.TimelineEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An assertion on the cluster's timeline: after each {@code freeze} step on provider {@code p<i>}, the load's client
 * ejected that provider ({@code client-ejected} with the provider's name as subject, its address first in the detail) within a time limit.
 * {@code ejectionAfterFreeze(2).within(Duration.ofMillis(1500))} is a {@link VerifyActionBuilder} named
 * {@code p2 ejected within 1500 ms of its freeze}; it fails when the provider was never frozen, when a freeze was
 * not followed by an ejection in time, or when the target drives an external fleet (no timeline). It logs the
 * time from each freeze to its ejection. Immutable.
 */
public final class EjectionAssertion {

    private static final Logger log = LoggerFactory.getLogger(EjectionAssertion.class);
    private static final String EJECTED = new RoutingEvent(RoutingEvent.Kind.EJECTED, "-", "", 0).action();

    private final int provider;

    EjectionAssertion(int provider) {
        TimelineAction.providerName(provider); // rejects a negative index with a clear message
        this.provider = provider;
    }

    /** Holds when every freeze of the provider was followed by its ejection strictly within {@code limit}. */
    public VerifyActionBuilder within(Duration limit) {
        Objects.requireNonNull(limit, "limit");
        if (limit.isNegative() || limit.isZero()) {
            throw new IllegalArgumentException("ejection limit must be positive, was " + limit);
        }
        String name = TimelineAction.providerName(provider) + " ejected within " + limit.toMillis()
                + " ms of its freeze";
        return new VerifyActionBuilder(name, target -> {
            String address;
            List<TimelineEvent> events;
            try {
                address = target.cluster().provider(provider).address();
                events = target.cluster().timeline().events();
            } catch (RuntimeException e) {
                return "no timeline to check: " + e.getMessage();
            }
            return check(events, TimelineAction.providerName(provider), address, limit);
        });
    }

    /**
     * Null when every {@code freeze} of {@code name} in {@code events} is followed by a {@code client-ejected} of
     * {@code address} strictly within {@code limit}; else what was seen.
     */
    static String check(List<TimelineEvent> events, String name, String address, Duration limit) {
        List<String> problems = new ArrayList<>();
        int freezes = 0;
        for (int i = 0; i < events.size(); i++) {
            TimelineEvent freeze = events.get(i);
            if (!freeze.action().equals(TimelineAction.FREEZE.label()) || !freeze.subject().equals(name)) {
                continue;
            }
            freezes++;
            TimelineEvent ejected = null;
            for (int j = i + 1; j < events.size() && ejected == null; j++) {
                TimelineEvent e = events.get(j);
                if (e.action().equals(EJECTED) && (e.subject().equals(name) || e.subject().equals(address))) {
                    ejected = e;
                }
            }
            if (ejected == null) {
                problems.add("freeze #" + freezes + " of " + name + " (" + address + "): never ejected");
                continue;
            }
            long nanos = ejected.monotonicNanos() - freeze.monotonicNanos();
            String took = String.format(Locale.ROOT, "%.3f s", nanos / 1e9);
            log.info("freeze #{} of {} ({}): ejected {} after the freeze ({})", freezes, name, address, took,
                    ejected.detail());
            if (nanos >= limit.toNanos()) {
                problems.add("freeze #" + freezes + " of " + name + " (" + address + "): ejected after " + took);
            }
        }
        if (freezes == 0) {
            return "the timeline has no freeze of " + name;
        }
        return problems.isEmpty() ? null : String.join("; ", problems);
    }
}
