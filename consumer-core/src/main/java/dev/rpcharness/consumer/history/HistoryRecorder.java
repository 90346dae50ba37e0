package dev.rpcharness.consumer.history;

import dev.rpcharness.consumer.CallHistory;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link CallHistory} that writes every event to a JSON-lines file (format in docs/history.md), one line per
 * start, write and end (and per attempt's start and end, each method's policy and the retry budget), plus a header, the client's id (the {@code client} line, once the client it is given to
 * announces it, before its first call) and a closing line.
 *
 * <p>Threading: {@link #started}, {@link #written} and {@link #ended} may be called from any thread; each appends
 * to a lock-free queue bounded at {@code capacity} events and returns. One writer thread, started by the
 * constructor, drains the queue into the file. When the queue is full an append waits for the writer up to 500 ms,
 * then drops the event and counts it ({@link #lost()}, and a {@code lost} line at the end of the file), so a
 * checker can tell an incomplete history from a broken client. Once a write fails (a full disk) the writer stops,
 * logs it once, and every queued and later event is dropped and counted lost at once, never waiting
 * ({@link #failed()}). {@link #close()} writes what is queued, closes the file and stops the thread; events after
 * it are counted as lost.
 */
public final class HistoryRecorder implements CallHistory, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HistoryRecorder.class);
    private static final long FULL_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    private final Path file;
    private final int capacity;
    private final ConcurrentLinkedQueue<Event> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicLong appended = new AtomicLong();
    private final AtomicLong lost = new AtomicLong();
    private final Thread writer;
    private final BufferedWriter out;
    private volatile long flushed;
    private volatile boolean closing;
    private volatile IOException failure;

    /**
     * One event; immutable once queued. {@code attempt} is the attempt's number (0 for a call's own event); a
     * policy keeps its max attempts in {@code port} and its flags in {@code requestId}, a budget its max tokens in
     * {@code port} and its ratio in {@code text}.
     */
    private record Event(char kind, long seq, long nanos, String text, int port, long requestId, int attempt) {
        Event(char kind, long seq, long nanos, String text, int port, long requestId) {
            this(kind, seq, nanos, text, port, requestId, 0);
        }
    }

    private static final int IDEMPOTENT = 1;
    private static final int HEDGED = 2;

    /**
     * Opens {@code file} (replacing it; parent folders are made) and starts the writer thread.
     *
     * @param file             the history file
     * @param callTimeoutMillis the client's call timeout, written to the header for the checker
     * @param description      who records (a client's name), written to the header
     * @param capacity         events the queue holds before appends wait
     */
    public HistoryRecorder(Path file, long callTimeoutMillis, String description, int capacity) {
        this.file = Objects.requireNonNull(file, "file");
        if (capacity < 1) {
            throw new IllegalArgumentException("history capacity must be at least 1, was " + capacity);
        }
        this.capacity = capacity;
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
            StringBuilder header = new StringBuilder(160).append("{\"e\":\"history\",\"callTimeoutMs\":")
                    .append(callTimeoutMillis).append(",\"originNanos\":").append(System.nanoTime())
                    .append(",\"wallTime\":\"").append(Instant.now()).append("\",\"description\":");
            quote(header, String.valueOf(description)).append("}\n");
            out.write(header.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the call history " + file, e);
        }
        this.writer = new Thread(this::drain, "rpc-history-writer-" + file.getFileName());
        writer.setDaemon(true);
        writer.start();
    }

    /** A recorder of 65,536 queued events at most. */
    public HistoryRecorder(Path file, long callTimeoutMillis, String description) {
        this(file, callTimeoutMillis, description, 1 << 16);
    }

    public Path file() {
        return file;
    }

    /** Events dropped because the queue stayed full or the recorder was closed. */
    public long lost() {
        return lost.get();
    }

    @Override
    public void client(String clientId) {
        append(new Event('c', 0, 0, Objects.requireNonNull(clientId, "clientId"), 0, 0));
    }

    @Override
    public void started(long seq, String method, long startNanos) {
        append(new Event('s', seq, startNanos, method, 0, 0));
    }

    @Override
    public void written(long seq, String provider, int localPort, long requestId, long nanos) {
        append(new Event('w', seq, nanos, provider, localPort, requestId));
    }

    @Override
    public void ended(long seq, long endNanos, Throwable failure) {
        append(new Event('e', seq, endNanos, failure == null ? null : failure.getClass().getName(), 0, 0));
    }

    @Override
    public void retryBudget(int maxTokens, double tokenRatio) {
        append(new Event('b', 0, 0, Double.toString(tokenRatio), maxTokens, 0));
    }

    @Override
    public void policy(String method, int maxAttempts, boolean idempotent, boolean hedged) {
        append(new Event('p', 0, 0, Objects.requireNonNull(method, "method"), maxAttempts,
                (idempotent ? IDEMPOTENT : 0) | (hedged ? HEDGED : 0)));
    }

    @Override
    public void attemptStarted(long seq, int attempt, long nanos) {
        append(new Event('a', seq, nanos, null, 0, 0, attempt));
    }

    @Override
    public void written(long seq, int attempt, String provider, int localPort, long requestId, long nanos) {
        append(new Event('w', seq, nanos, provider, localPort, requestId, attempt));
    }

    @Override
    public void attemptEnded(long seq, int attempt, long nanos, Throwable failure) {
        append(new Event('f', seq, nanos, failure == null ? null : failure.getClass().getName(), 0, 0, attempt));
    }

    private void append(Event event) {
        if (closing || failure != null) {
            lost.incrementAndGet();
            return;
        }
        if (queued.incrementAndGet() > capacity) {
            long giveUp = System.nanoTime() + FULL_WAIT_NANOS;
            while (true) {
                queued.decrementAndGet();
                if (System.nanoTime() - giveUp > 0 || closing || failure != null) {
                    lost.incrementAndGet();
                    return;
                }
                LockSupport.parkNanos(20_000);
                if (queued.incrementAndGet() <= capacity) {
                    break;
                }
            }
        }
        queue.add(event);
        appended.incrementAndGet();
        if (failure != null && queue.remove(event)) {
            // the writer failed while this was added, after it had counted what was queued
            queued.decrementAndGet();
            lost.incrementAndGet();
        }
    }

    /** Whether the writer stopped on a write error; from then on every event is dropped and counted lost. */
    public boolean failed() {
        return failure != null;
    }

    /**
     * Waits until every event appended before this call is in the file (flushed), up to {@code timeout}; returns
     * whether it got there.
     */
    public boolean flush(long timeout, TimeUnit unit) {
        long target = appended.get();
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (flushed < target) {
            if (System.nanoTime() - deadline > 0 || !writer.isAlive()) {
                return flushed >= target;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        return true;
    }

    private void drain() {
        StringBuilder line = new StringBuilder(256);
        long written = 0;
        try {
            while (true) {
                Event event = queue.poll();
                if (event == null) {
                    if (written > flushed) {
                        out.flush();
                        flushed = written;
                    }
                    if (closing && queue.isEmpty()) {
                        break;
                    }
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                    continue;
                }
                queued.decrementAndGet();
                line.setLength(0);
                format(event, line);
                out.write(line.toString());
                written++;
            }
            StringBuilder end = new StringBuilder("{\"e\":\"closed\",\"t\":").append(System.nanoTime())
                    .append(",\"lost\":").append(lost.get()).append("}\n");
            out.write(end.toString());
            out.close();
        } catch (IOException e) {
            failure = e;
            long dropped = 0;
            while (queue.poll() != null) {
                queued.decrementAndGet();
                lost.incrementAndGet();
                dropped++;
            }
            log.warn("call history {} stopped: cannot write: {}; {} queued events dropped, every later event "
                    + "is dropped and counted lost", file, e.toString(), dropped);
            try {
                out.close();
            } catch (IOException ignored) {
                // already failing
            }
        }
    }

    private static void format(Event event, StringBuilder line) {
        line.append("{\"e\":\"");
        switch (event.kind()) {
            case 's' -> {
                line.append("start\",\"seq\":").append(event.seq()).append(",\"t\":").append(event.nanos())
                        .append(",\"method\":");
                quote(line, event.text());
            }
            case 'c' -> {
                line.append("client\",\"clientId\":");
                quote(line, event.text());
            }
            case 'w' -> {
                line.append("write\",\"seq\":").append(event.seq()).append(",\"t\":").append(event.nanos())
                        .append(",\"provider\":");
                quote(line, event.text()).append(",\"port\":").append(event.port()).append(",\"id\":")
                        .append(event.requestId());
                if (event.attempt() > 0) {
                    line.append(",\"attempt\":").append(event.attempt());
                }
            }
            case 'a' -> line.append("attempt\",\"seq\":").append(event.seq()).append(",\"t\":").append(event.nanos())
                    .append(",\"attempt\":").append(event.attempt());
            case 'f' -> {
                line.append("attemptEnd\",\"seq\":").append(event.seq()).append(",\"t\":").append(event.nanos())
                        .append(",\"attempt\":").append(event.attempt());
                if (event.text() != null) {
                    line.append(",\"error\":");
                    quote(line, event.text());
                }
            }
            case 'p' -> {
                line.append("policy\",\"method\":");
                quote(line, event.text()).append(",\"maxAttempts\":").append(event.port())
                        .append(",\"idempotent\":").append((event.requestId() & IDEMPOTENT) != 0)
                        .append(",\"hedged\":").append((event.requestId() & HEDGED) != 0);
            }
            case 'b' -> line.append("budget\",\"maxTokens\":").append(event.port()).append(",\"tokenRatio\":")
                    .append(event.text());
            default -> {
                line.append("end\",\"seq\":").append(event.seq()).append(",\"t\":").append(event.nanos());
                if (event.text() != null) {
                    line.append(",\"error\":");
                    quote(line, event.text());
                }
            }
        }
        line.append("}\n");
    }

    private static StringBuilder quote(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"');
    }

    /** Writes what is queued, closes the file and stops the writer thread. Idempotent. */
    @Override
    public void close() {
        closing = true;
        try {
            writer.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (writer.isAlive()) {
            log.warn("call history writer of {} did not stop within 10 s", file);
        }
        if (failure != null) {
            throw new UncheckedIOException("call history " + file + " could not be written", failure);
        }
    }

    @Override
    public String toString() {
        return "HistoryRecorder[" + file + ", " + appended.get() + " events, " + lost.get() + " lost]";
    }
}
