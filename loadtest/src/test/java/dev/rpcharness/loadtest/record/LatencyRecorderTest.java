package dev.rpcharness.loadtest.record;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.FileNotFoundException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LatencyRecorderTest {

    @TempDir
    Path dir;

    @Test
    void intervalLogIsReadableByHistogramLogReaderWithOneTagPerMethodProviderAndOutcome() throws Exception {
        Path log = dir.resolve("calls.hlog");
        try (LatencyRecorder recorder = new LatencyRecorder(log, Duration.ofHours(1))) {
            for (int i = 1; i <= 100; i++) {
                recorder.record("echo", null, Outcome.OK, i * 1_000_000L); // 1..100 ms
            }
            recorder.record("echo", "127.0.0.1:20881", Outcome.TIMEOUT, 3_000_000_000L);
            recorder.writeInterval();
            recorder.record("echo", null, Outcome.OK, 5_000_000L);
        }

        List<EncodableHistogram> intervals = readAll(log);
        Map<String, Long> counts = new HashMap<>();
        for (EncodableHistogram h : intervals) {
            counts.merge(h.getTag(), ((Histogram) h).getTotalCount(), Long::sum);
        }
        assertThat(counts).containsOnly(
                Map.entry("echo/ok", 101L),
                Map.entry("echo/timeout", 1L),
                Map.entry("echo@127.0.0.1:20881/timeout", 1L));
        Histogram firstOk = (Histogram) intervals.stream().filter(h -> "echo/ok".equals(h.getTag())).findFirst()
                .orElseThrow();
        // microsecond resolution: 50 ms is recorded as 50,000 µs (within HdrHistogram's 3 significant digits)
        assertThat(firstOk.getValueAtPercentile(50.0)).isBetween(49_900L, 50_100L);
        assertThat(firstOk.getMaxValue()).isBetween(99_900L, 100_100L);
    }

    @Test
    void totalsAddUpEveryIntervalAndSummariesGivePercentilesInMicroseconds() {
        try (LatencyRecorder recorder = new LatencyRecorder(dir.resolve("t.hlog"), Duration.ofHours(1))) {
            recorder.record("echo", null, Outcome.OK, 1_000_000L);
            recorder.writeInterval();
            recorder.record("echo", null, Outcome.OK, 3_000_000L);
            recorder.record("echo", null, Outcome.CONNECTION_LOST, 200_000L);
            recorder.writeInterval();

            List<LatencySummary> summaries = recorder.summaries();
            assertThat(summaries).extracting(LatencySummary::tag).containsExactly("echo/connection-lost", "echo/ok");
            LatencySummary ok = summaries.get(1);
            assertThat(ok.count()).isEqualTo(2);
            assertThat(ok.max()).isBetween(2_990L, 3_010L);
            assertThat(ok.toLine()).contains("echo/ok").contains("p99.9");
        }
    }

    @Test
    void closeWritesTheLastIntervalAndTheWriterThreadWritesOnItsOwn() throws Exception {
        Path log = dir.resolve("periodic.hlog");
        LatencyRecorder recorder = new LatencyRecorder(log, Duration.ofMillis(50));
        try {
            recorder.record("echo", null, Outcome.OK, 1_000L);
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> !readAll(log).isEmpty());
            recorder.record("echo", null, Outcome.NO_PROVIDER, 1_000L);
        } finally {
            recorder.close();
        }
        recorder.close(); // idempotent
        assertThat(readAll(log)).extracting(EncodableHistogram::getTag).contains("echo/ok", "echo/no-provider");
    }

    private static List<EncodableHistogram> readAll(Path log) throws FileNotFoundException {
        List<EncodableHistogram> list = new ArrayList<>();
        HistogramLogReader reader = new HistogramLogReader(log.toFile());
        try {
            EncodableHistogram h;
            while ((h = reader.nextIntervalHistogram()) != null) {
                list.add(h);
            }
        } finally {
            reader.close();
        }
        return list;
    }
}
