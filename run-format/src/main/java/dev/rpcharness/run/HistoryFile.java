package dev.rpcharness.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A call history read back from the file a history recorder (consumer-core's {@code HistoryRecorder}) wrote: the header's call timeout, the calls in
 * sequence order, the count of lost events and whether the file was closed. Immutable once read.
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
        ObjectMapper mapper = new ObjectMapper();
        Map<Long, CallRecord> calls = new TreeMap<>();
        long timeout = -1;
        String clientId = null;
        long lost = 0;
        boolean closed = false;
        int lineNo = 0;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                JsonNode n;
                try {
                    n = mapper.readTree(line);
                } catch (IOException e) {
                    // The last line may be half written while the recorder runs.
                    if (!in.ready()) {
                        break;
                    }
                    throw new IllegalArgumentException(file + " line " + lineNo + " is not JSON: " + e.getMessage());
                }
                String kind = n.path("e").asText();
                switch (kind) {
                    case "history" -> timeout = n.path("callTimeoutMs").asLong(-1);
                    case "client" -> clientId = n.path("clientId").asText(null);
                    case "closed" -> {
                        closed = true;
                        lost = n.path("lost").asLong();
                    }
                    case "start" -> call(calls, n).start(n.path("method").asText(), n.path("t").asLong());
                    case "write" -> call(calls, n).write(new CallRecord.Write(n.path("provider").asText(),
                            n.path("port").asInt(), n.path("id").asLong(), n.path("t").asLong()));
                    case "end" -> call(calls, n).end(new CallRecord.End(n.path("t").asLong(),
                            n.hasNonNull("error") ? n.get("error").asText() : null));
                    default -> throw new IllegalArgumentException(file + " line " + lineNo
                            + ": unknown history event '" + kind + "'");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the call history " + file, e);
        }
        return new HistoryFile(file, timeout, clientId, List.copyOf(calls.values()), lost, closed);
    }

    /** Reads and merges nothing: the calls of several files, for callers that check them one by one. */
    public static List<HistoryFile> readAll(Collection<Path> files) {
        List<HistoryFile> out = new ArrayList<>();
        for (Path f : files) {
            out.add(read(f));
        }
        return out;
    }

    private static CallRecord call(Map<Long, CallRecord> calls, JsonNode n) {
        return calls.computeIfAbsent(n.path("seq").asLong(), CallRecord::new);
    }
}
