package dev.rpcharness.run;

import java.time.Instant;
import java.util.Objects;

/**
 * One entry of a {@link Timeline}: a chaos step, a provider state change or a user mark. Immutable.
 *
 * @param monotonicNanos {@link System#nanoTime()} when it happened, to measure durations between events
 * @param wallTime       wall-clock time when it happened, to line it up with logs and reports
 * @param action         what happened, for example {@code crash}, {@code provider-crash}, {@code zk-stop}
 * @param subject        to whom, for example a provider's name or {@code zookeeper}
 * @param detail         free text, never null (empty when there is nothing to add)
 */
public record TimelineEvent(long monotonicNanos, Instant wallTime, String action, String subject, String detail) {

    public TimelineEvent {
        Objects.requireNonNull(wallTime, "wallTime");
        Objects.requireNonNull(action, "action");
        subject = subject == null ? "" : subject;
        detail = detail == null ? "" : detail;
    }
}
