package dev.rpcharness.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * Reads a call-history file (format in docs/history.md) once, front to back, and hands each event to a {@link
 * Handler} as it comes: nothing of the file is kept, so any size of history is read in the same memory. A line
 * that is not a history event fails with the file and line number; the last line may be half written (the recorder
 * was still writing it) and is then skipped.
 *
 * <p>Not thread-safe: one reader per file at a time, on the calling thread; the handler runs on it too.
 */
public final class HistoryReader {

    /** What a history file says, event by event, in file order. Methods run on the reading thread. */
    public interface Handler {

        /** The header: the recording client's call timeout (-1 when the header does not say). */
        default void header(long callTimeoutMs) {
        }

        /** The recording client's id ({@code X-Rpc-Client-Id}): the {@code client} line after the header. */
        default void client(String clientId) {
        }

        /** Call {@code seq} started at {@code nanos}. */
        void start(long seq, long nanos, String method);

        /** Call {@code seq} was written to {@code provider} on the connection from local port {@code port}. */
        void write(long seq, long nanos, String provider, int port, long requestId);

        /** Call {@code seq} ended at {@code nanos}; {@code error} is the failure's class name, null for a result. */
        void end(long seq, long nanos, String error);

        /** The recorder closed the file; {@code lost} events were dropped. */
        default void closed(long lost) {
        }

        /** The client's retry budget ({@code maxTokens} {@link Integer#MAX_VALUE}: unlimited). */
        default void budget(int maxTokens, double tokenRatio) {
        }

        /** The policy of {@code method}, once, before its first call's attempts. */
        default void policy(String method, int maxAttempts, boolean idempotent, boolean hedged) {
        }

        /** Attempt {@code attempt} (from 1) of call {@code seq} started at {@code nanos}. */
        default void attemptStart(long seq, int attempt, long nanos) {
        }

        /**
         * Attempt {@code attempt} of call {@code seq} was written (0: the call has no attempts of its own); by
         * default told as a write of the call.
         */
        default void write(long seq, long nanos, String provider, int port, long requestId, int attempt) {
            write(seq, nanos, provider, port, requestId);
        }

        /** Attempt {@code attempt} of call {@code seq} ended at {@code nanos}; {@code error} null for a result. */
        default void attemptEnd(long seq, int attempt, long nanos, String error) {
        }
    }

    private static final int CHUNK = 1 << 20;
    private static final int MAX_LINE = 64 << 20;

    private HistoryReader() {
    }

    /**
     * Reads {@code file} and hands its events to {@code handler}.
     *
     * @throws IllegalArgumentException naming the file and line when a line is not a history event
     * @throws UncheckedIOException     when the file cannot be read
     */
    public static void read(Path file, Handler handler) {
        Objects.requireNonNull(handler, "handler");
        HistoryLine line = new HistoryLine();
        byte[] buf = new byte[CHUNK];
        int filled = 0;
        long lineNo = 0;
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            boolean eof = false;
            while (!eof) {
                if (filled == buf.length) {
                    if (buf.length >= MAX_LINE) {
                        throw new IllegalArgumentException(file + " line " + (lineNo + 1) + " is longer than "
                                + MAX_LINE + " bytes: not a history event");
                    }
                    buf = java.util.Arrays.copyOf(buf, buf.length * 2);
                }
                int n = in.read(ByteBuffer.wrap(buf, filled, buf.length - filled));
                if (n < 0) {
                    eof = true;
                } else {
                    filled += n;
                }
                int from = 0;
                for (int i = indexOf(buf, from, filled); i >= 0; i = indexOf(buf, from, filled)) {
                    lineNo++;
                    dispatch(file, lineNo, line, buf, from, i, false, handler);
                    from = i + 1;
                }
                if (eof && from < filled) {
                    lineNo++;
                    dispatch(file, lineNo, line, buf, from, filled, true, handler);
                    from = filled;
                }
                System.arraycopy(buf, from, buf, 0, filled - from);
                filled -= from;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the call history " + file, e);
        }
    }

    private static int indexOf(byte[] buf, int from, int to) {
        for (int i = from; i < to; i++) {
            if (buf[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static void dispatch(Path file, long lineNo, HistoryLine line, byte[] buf, int from, int to,
                                 boolean last, Handler handler) {
        if (isBlank(buf, from, to)) {
            return;
        }
        try {
            line.parse(buf, from, to);
        } catch (IOException e) {
            if (last) {
                return; // half written while the recorder runs
            }
            throw new IllegalArgumentException(file + " line " + lineNo + " is not JSON: " + e.getMessage());
        }
        String kind = line.kind == null ? "" : line.kind;
        switch (kind) {
            case HistoryLine.START -> handler.start(line.seq, line.t, line.method == null ? "" : line.method);
            case HistoryLine.WRITE -> handler.write(line.seq, line.t, line.provider == null ? "" : line.provider,
                    line.port, line.id, line.attempt);
            case HistoryLine.ATTEMPT -> handler.attemptStart(line.seq, line.attempt, line.t);
            case HistoryLine.ATTEMPT_END -> handler.attemptEnd(line.seq, line.attempt, line.t, line.error);
            case HistoryLine.POLICY -> handler.policy(line.method == null ? "" : line.method, line.maxAttempts,
                    line.idempotent, line.hedged);
            case HistoryLine.BUDGET -> handler.budget(line.maxTokens, line.tokenRatio);
            case HistoryLine.END -> handler.end(line.seq, line.t, line.error);
            case HistoryLine.HISTORY -> handler.header(line.callTimeoutMs);
            case HistoryLine.CLIENT -> handler.client(line.clientId);
            case HistoryLine.CLOSED -> handler.closed(line.lost);
            default -> throw new IllegalArgumentException(file + " line " + lineNo + ": unknown history event '"
                    + kind + "'");
        }
    }

    private static boolean isBlank(byte[] buf, int from, int to) {
        for (int i = from; i < to; i++) {
            byte c = buf[i];
            if (c != ' ' && c != '\t' && c != '\r') {
                return false;
            }
        }
        return true;
    }
}
