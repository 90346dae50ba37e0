package dev.rpcharness.run;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A call history read back whole from the file a history recorder (consumer-core's {@code HistoryRecorder}) wrote:
 * the header's call timeout, the calls in sequence order, the count of lost events and whether the file was closed.
 * Immutable once read. It holds every call, so it is for small histories (tests, a look at one file); the checker
 * and the run's reports read a history as a stream ({@link CallStream}) in memory that does not grow with it.
 *
 * @param file          where it was read from
 * @param callTimeoutMs the recording client's call timeout
 * @param clientId      the recording client's id ({@code X-Rpc-Client-Id}, the file's {@code client} line), or null
 *                      when the file names none
 * @param calls         one record per call number, in order
 * @param lost          events the recorder dropped (the history is incomplete when above 0)
 * @param closed        whether the recorder closed the file (else it was read while recording)
 */
public record HistoryFile(Path file, long callTimeoutMs, String clientId, List<CallRecord> calls, long lost,
                          boolean closed) {

    /** Reads a history file; a line that is not a history event fails with the file and line number. */
    public static HistoryFile read(Path file) {
        Collector c = new Collector();
        HistoryReader.read(file, c);
        return new HistoryFile(file, c.timeout, c.clientId, List.copyOf(c.calls.values()), c.lost, c.closed);
    }

    /** Reads and merges nothing: the calls of several files, for callers that check them one by one. */
    public static List<HistoryFile> readAll(Collection<Path> files) {
        List<HistoryFile> out = new ArrayList<>();
        for (Path f : files) {
            out.add(read(f));
        }
        return out;
    }

    /** Every event into one record per call number. */
    private static final class Collector implements HistoryReader.Handler {
        final Map<Long, CallRecord> calls = new TreeMap<>();
        long timeout = -1;
        String clientId;
        long lost;
        boolean closed;

        @Override
        public void header(long callTimeoutMs) {
            timeout = callTimeoutMs;
        }

        @Override
        public void client(String id) {
            clientId = id;
        }

        @Override
        public void start(long seq, long nanos, String method) {
            call(seq).start(method, nanos);
        }

        @Override
        public void write(long seq, long nanos, String provider, int port, long requestId) {
            write(seq, nanos, provider, port, requestId, 0);
        }

        @Override
        public void write(long seq, long nanos, String provider, int port, long requestId, int attempt) {
            call(seq).write(new CallRecord.Write(provider, port, requestId, nanos, attempt));
        }

        @Override
        public void attemptStart(long seq, int attempt, long nanos) {
            call(seq).attempt(new CallRecord.AttemptEvent(attempt, nanos, false, null));
        }

        @Override
        public void attemptEnd(long seq, int attempt, long nanos, String error) {
            call(seq).attempt(new CallRecord.AttemptEvent(attempt, nanos, true, error));
        }

        @Override
        public void end(long seq, long nanos, String error) {
            call(seq).end(new CallRecord.End(nanos, error));
        }

        @Override
        public void closed(long lostEvents) {
            closed = true;
            lost = lostEvents;
        }

        private CallRecord call(long seq) {
            return calls.computeIfAbsent(seq, CallRecord::new);
        }
    }
}
