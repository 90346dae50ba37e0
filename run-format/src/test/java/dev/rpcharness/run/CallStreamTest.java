package dev.rpcharness.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading a history as a stream: each call handed on once, late events reported, memory held to open calls. */
class CallStreamTest {

    private static final long S = 1_000_000_000L;

    @TempDir
    Path dir;

    /** What a stream handed on, in order. */
    private static final class Seen implements CallStream.Listener {
        final List<CallRecord> calls = new ArrayList<>();
        final List<String> late = new ArrayList<>();
        long timeout;
        long lost = -1;

        @Override
        public void header(long callTimeoutMs) {
            timeout = callTimeoutMs;
        }

        @Override
        public void call(CallRecord call) {
            calls.add(call);
        }

        @Override
        public void lateWrite(long seq, CallRecord.Write write) {
            late.add("write #" + seq);
        }

        @Override
        public void lateEnd(long seq, CallRecord.End end) {
            late.add("end #" + seq + " " + end.error());
        }

        @Override
        public void closed(long lostEvents) {
            lost = lostEvents;
        }
    }

    private Path file(String... lines) throws IOException {
        Path f = dir.resolve("h.jsonl");
        Files.writeString(f, String.join("\n", lines) + "\n");
        return f;
    }

    private static String start(int seq, long t) {
        return "{\"e\":\"start\",\"seq\":" + seq + ",\"t\":" + t + ",\"method\":\"E#echo\"}";
    }

    private static String write(int seq, long t) {
        return "{\"e\":\"write\",\"seq\":" + seq + ",\"t\":" + t + ",\"provider\":\"h:1\",\"port\":5,\"id\":" + seq
                + "}";
    }

    private static String end(int seq, long t, String error) {
        return "{\"e\":\"end\",\"seq\":" + seq + ",\"t\":" + t + (error == null ? "" : ",\"error\":\"" + error + "\"")
                + "}";
    }

    @Test
    void anEventWithinTheLingerJoinsItsCallAndOneAfterItIsLate() throws IOException {
        Seen seen = new Seen();
        long calls = CallStream.read(file("{\"e\":\"history\",\"callTimeoutMs\":1000}",
                start(1, 0), write(1, 1), end(1, S, null), end(1, S + S / 2, "X"),
                start(2, 2 * S), end(2, 3 * S, null),
                start(3, 10 * S), end(2, 10 * S, "Y"), write(2, 10 * S + 1),
                end(3, 11 * S, null), "{\"e\":\"closed\",\"t\":0,\"lost\":4}"), Duration.ofSeconds(2), seen);
        assertThat(calls).isEqualTo(3);
        assertThat(seen.timeout).isEqualTo(1000);
        assertThat(seen.lost).isEqualTo(4);
        assertThat(seen.calls).extracting(CallRecord::seq).containsExactly(1L, 2L, 3L);
        assertThat(seen.calls.get(0).ends()).hasSize(2);
        assertThat(seen.calls.get(1).ends()).hasSize(1);
        assertThat(seen.late).containsExactly("end #2 Y", "write #2");
    }

    @Test
    void callsStillOpenAtTheEndComeLastInNumberOrder() throws IOException {
        Seen seen = new Seen();
        CallStream.read(file(start(3, 0), start(1, 1), start(2, 2), end(2, 3, null), write(9, 4)),
                Duration.ofSeconds(2), seen);
        assertThat(seen.calls).extracting(CallRecord::seq).containsExactly(2L, 1L, 3L, 9L);
        assertThat(seen.calls.get(3).hasStart()).isFalse();
    }

    @Test
    void memoryHoldsTheOpenAndLingeringCallsNotTheHistory() {
        Seen seen = new Seen();
        CallStream stream = new CallStream(call -> seen.calls.clear(), Duration.ofMillis(10), 100);
        int maxHeld = 0;
        // 200,000 calls, 64 open at a time, ending out of order: a call ends 64 calls after it started.
        for (int seq = 1; seq <= 200_064; seq++) {
            long t = seq * 100_000L;
            if (seq <= 200_000) {
                stream.start(seq, t, "E#echo");
                stream.write(seq, t + 1, "h:1", 5, seq);
            }
            int ending = seq - 64;
            if (ending >= 1) {
                stream.end(ending, t + 2, null);
            }
            maxHeld = Math.max(maxHeld, stream.held());
        }
        stream.finish();
        assertThat(stream.calls()).isEqualTo(200_000);
        assertThat(maxHeld).isLessThan(64 + 101 + 1);
        assertThat(stream.held()).isZero();
    }

    @Test
    void aLineThatIsNotAHistoryEventFailsWithTheFileAndLineButAHalfWrittenLastLineIsSkipped() throws IOException {
        Seen seen = new Seen();
        Path f = dir.resolve("cut.jsonl");
        Files.writeString(f, start(1, 0) + "\n" + end(1, 5, null) + "\n{\"e\":\"wri");
        CallStream.read(f, Duration.ZERO, seen);
        assertThat(seen.calls).hasSize(1);
        Files.writeString(f, start(1, 0) + "\n{\"e\":\"wri\n" + end(1, 5, null) + "\n");
        assertThatThrownBy(() -> CallStream.read(f, Duration.ZERO, new Seen()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cut.jsonl line 2");
        Files.writeString(f, "{\"e\":\"begin\",\"seq\":1}\n");
        assertThatThrownBy(() -> CallStream.read(f, Duration.ZERO, new Seen()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("line 1")
                .hasMessageContaining("unknown history event 'begin'");
    }
}
