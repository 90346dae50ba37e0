package dev.rpcharness.reports.run;

import java.util.Objects;

/**
 * One line of a run's {@code rpc-timeline.jsonl}: a chaos step, a provider state change, a routing event or a
 * user mark. Immutable.
 *
 * @param wallMillis epoch milliseconds at which it happened (the timeline's {@code wallTime})
 * @param action     what happened, for example {@code crash}, {@code provider-restart}, {@code zk-stop}
 * @param subject    to whom: a provider's name ({@code p1}), {@code zookeeper}, a simulation
 * @param detail     free text, often the provider's {@code host:port}; never null
 * @param source     the folder the line came from (several when injectors' folders are merged)
 */
public record TimelineEntry(long wallMillis, String action, String subject, String detail, String source) {

    public TimelineEntry {
        Objects.requireNonNull(action, "action");
        subject = subject == null ? "" : subject;
        detail = detail == null ? "" : detail;
        source = source == null ? "" : source;
    }

    /** This entry {@code millis} later (earlier when negative), everything else the same. */
    public TimelineEntry shifted(long millis) {
        return millis == 0 ? this : new TimelineEntry(wallMillis + millis, action, subject, detail, source);
    }

    /** The first word of the detail when it is a {@code host:port}, else null. */
    public String address() {
        String first = detail.split("\\s+", 2)[0];
        int colon = first.lastIndexOf(':');
        if (colon <= 0 || colon == first.length() - 1) {
            return null;
        }
        for (int i = colon + 1; i < first.length(); i++) {
            if (!Character.isDigit(first.charAt(i))) {
                return null;
            }
        }
        return first;
    }

    /** True when both say the same thing at the same time (the same fleet event seen by two injectors). */
    boolean sameEvent(TimelineEntry o) {
        return wallMillis == o.wallMillis && action.equals(o.action) && subject.equals(o.subject)
                && detail.equals(o.detail);
    }
}
