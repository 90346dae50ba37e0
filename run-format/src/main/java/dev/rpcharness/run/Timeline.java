package dev.rpcharness.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ordered record of what happened to a cluster during a test or a load run: every chaos step, every provider
 * state change and every user mark, each with monotonic and wall time. Readable in code ({@link #events()}),
 * as text ({@link #render()}) and as JSON lines for the reports ({@link #writeJsonLines(Path)}).
 *
 * <p>Thread-safe: any thread may {@link #record} while others read. Events keep the order in which they were
 * recorded. Listeners run on the recording thread, after the event is stored, one at a time per event; a
 * listener that throws is logged and does not stop the others.
 */
public final class Timeline {

    private static final Logger log = LoggerFactory.getLogger(Timeline.class);

    private final LongSupplier nanoClock;
    private final Clock wallClock;
    private final long originNanos;
    private final List<TimelineEvent> events = new ArrayList<>();
    private final List<Consumer<TimelineEvent>> listeners = new CopyOnWriteArrayList<>();
    private final ObjectMapper mapper = new ObjectMapper();

    /** A timeline on the system clocks, starting now. */
    public Timeline() {
        this(System::nanoTime, Clock.systemUTC());
    }

    /**
     * A timeline on the given clocks, for tests that control time.
     *
     * @param nanoClock monotonic clock, like {@link System#nanoTime()}
     * @param wallClock wall clock
     */
    public Timeline(LongSupplier nanoClock, Clock wallClock) {
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        this.wallClock = Objects.requireNonNull(wallClock, "wallClock");
        this.originNanos = nanoClock.getAsLong();
    }

    /**
     * Records an event now and tells the listeners.
     *
     * @return the recorded event
     */
    public TimelineEvent record(String action, String subject, String detail) {
        TimelineEvent event;
        synchronized (events) {
            // Reading the clocks under the lock keeps monotonic times in recording order.
            event = new TimelineEvent(nanoClock.getAsLong(), wallClock.instant(), action, subject, detail);
            events.add(event);
        }
        log.info("timeline: {} {} {}", event.action(), event.subject(), event.detail());
        for (Consumer<TimelineEvent> listener : listeners) {
            try {
                listener.accept(event);
            } catch (RuntimeException e) {
                log.warn("timeline listener failed on {}", event, e);
            }
        }
        return event;
    }

    /** Records one of the harness's own actions now ({@link #record(String, String, String)} with its label). */
    public TimelineEvent record(TimelineAction action, String subject, String detail) {
        return record(action.label(), subject, detail);
    }

    /** A snapshot of the events so far, in recording order. */
    public List<TimelineEvent> events() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    /** The events whose action equals {@code action}, in recording order. */
    public List<TimelineEvent> events(String action) {
        return events().stream().filter(e -> e.action().equals(action)).toList();
    }

    /** {@link System#nanoTime()} reading at the timeline's creation; render offsets are relative to it. */
    public long originNanos() {
        return originNanos;
    }

    /** Registers a listener for events recorded from now on. */
    public void addListener(Consumer<TimelineEvent> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Removes a listener added before. */
    public void removeListener(Consumer<TimelineEvent> listener) {
        listeners.remove(listener);
    }

    /**
     * Writes the events as JSON lines, one object per event: {@code monotonicNanos}, {@code offsetMillis} (since
     * the timeline's start), {@code wallTime} (ISO-8601 UTC), {@code action}, {@code subject}, {@code detail}.
     * Replaces the file; creates its parent folders.
     */
    public void writeJsonLines(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                for (TimelineEvent event : events()) {
                    out.write(toJson(event));
                    out.newLine();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the timeline to " + file, e);
        }
    }

    /** One event as a single-line JSON object, in the format of {@link #writeJsonLines(Path)}. */
    public String toJson(TimelineEvent event) {
        ObjectNode node = mapper.createObjectNode();
        node.put("monotonicNanos", event.monotonicNanos());
        node.put("offsetMillis", offsetMillis(event));
        node.put("wallTime", event.wallTime().toString());
        node.put("action", event.action());
        node.put("subject", event.subject());
        node.put("detail", event.detail());
        try {
            return mapper.writeValueAsString(node);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode timeline event " + event, e);
        }
    }

    /**
     * The events as a table for humans, one line each: seconds since the timeline's start, wall time (UTC, to the
     * millisecond), action, subject, detail.
     */
    public String render() {
        List<TimelineEvent> snapshot = events();
        StringBuilder out = new StringBuilder("timeline (").append(snapshot.size()).append(" events)\n");
        for (TimelineEvent event : snapshot) {
            out.append(String.format("  %+9.3fs  %s  %-22s %-16s %s%n", offsetMillis(event) / 1000.0,
                    event.wallTime().truncatedTo(ChronoUnit.MILLIS), event.action(), event.subject(), event.detail()));
        }
        return out.toString();
    }

    private double offsetMillis(TimelineEvent event) {
        return (event.monotonicNanos() - originNanos) / 1_000_000.0;
    }

    @Override
    public String toString() {
        synchronized (events) {
            return "Timeline[" + events.size() + " events]";
        }
    }
}
