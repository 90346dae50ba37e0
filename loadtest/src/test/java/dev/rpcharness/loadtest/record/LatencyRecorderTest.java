package dev.rpcharness.loadtest.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.FileNotFoundException;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
    void callsFromManyThreadsWithEqualButDistinctNamesLandInOneTagPerMethodProviderAndOutcome() throws Exception {
        int threads = 4;
        int calls = 5_000;
        try (LatencyRecorder recorder = new LatencyRecorder(dir.resolve("many.hlog"), Duration.ofHours(1))) {
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int provider = t % 2;
                workers.add(new Thread(() -> {
                    for (int i = 0; i < calls; i++) {
                        // new String instances: the recorder must match tags by value, not by reference
                        String method = new String("echo");
                        String address = new String("127.0.0.1:2088" + provider);
                        Outcome outcome = i % 5 == 0 ? Outcome.TIMEOUT : Outcome.OK;
                        recorder.record(method, i % 10 == 9 ? null : address, outcome, 1_000_000L);
                    }
                }));
            }
            workers.forEach(Thread::start);
            for (Thread w : workers) {
                w.join(TimeUnit.SECONDS.toMillis(30));
            }
            int perThreadTimeouts = calls / 5;
            int perThreadOk = calls - perThreadTimeouts;
            // calls with i % 10 == 9 name no provider; none of them is a timeout (i % 5 == 4 there)
            int perThreadOkWithProvider = perThreadOk - calls / 10;
            assertThat(recorder.counts()).containsOnly(
                    Map.entry("echo/ok", (long) threads * perThreadOk),
                    Map.entry("echo/timeout", (long) threads * perThreadTimeouts),
                    Map.entry("echo@127.0.0.1:20880/ok", 2L * perThreadOkWithProvider),
                    Map.entry("echo@127.0.0.1:20881/ok", 2L * perThreadOkWithProvider),
                    Map.entry("echo@127.0.0.1:20880/timeout", 2L * perThreadTimeouts),
                    Map.entry("echo@127.0.0.1:20881/timeout", 2L * perThreadTimeouts));
            assertThat(recorder.totalSoFar("echo/ok").getTotalCount()).isEqualTo((long) threads * perThreadOk);
            assertThat(recorder.totalSoFar("echo@127.0.0.1:20881/timeout").getTotalCount())
                    .isEqualTo(2L * perThreadTimeouts);
        }
    }

    @Test
    void aLatencyOverAnHourIsRecordedAsAnHour() {
        try (LatencyRecorder recorder = new LatencyRecorder(dir.resolve("long.hlog"), Duration.ofHours(1))) {
            recorder.record("echo", "127.0.0.1:20881", Outcome.TIMEOUT, TimeUnit.HOURS.toNanos(5));
            recorder.record("echo", null, Outcome.OK, 0);
            Histogram timeouts = recorder.totalSoFar("echo@127.0.0.1:20881/timeout");
            assertThat(timeouts.getTotalCount()).isEqualTo(1);
            assertThat(timeouts.getMaxValue()).isBetween(LatencyRecorder.MAX_MICROS * 999 / 1000,
                    LatencyRecorder.MAX_MICROS * 1001 / 1000);
            assertThat(recorder.totalSoFar("echo/ok").getMaxValue()).isZero();
        }
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

    @Test
    void closeWhileTheWriterThreadWaitsToWriteLosesNoInterval() throws Exception {
        Path log = dir.resolve("busy.hlog");
        // A stream that an interrupt breaks, like an interruptible channel: what an interrupted writer leaves.
        OutputStream interruptible = new FilterOutputStream(Files.newOutputStream(log)) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (Thread.currentThread().isInterrupted()) {
                    throw new InterruptedIOException("write interrupted");
                }
                out.write(b, off, len);
            }
        };
        LatencyRecorder recorder = new LatencyRecorder(log, Duration.ofMillis(1), interruptible);
        Thread writer = writerThreadOf(log);
        Thread closer = new Thread(recorder::close, "closer");
        synchronized (recorder) {
            // The writer's next interval waits for the recorder's lock, which this test holds.
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                    .until(() -> writer.getState() == Thread.State.BLOCKED);
            for (int i = 0; i < 1_000; i++) {
                recorder.record("echo", null, Outcome.OK, 1_000_000L);
            }
            closer.start();
            // close() now waits for the writer to stop; the writer still waits for the lock
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                    .until(() -> closer.getState() == Thread.State.TIMED_WAITING
                            || closer.getState() == Thread.State.BLOCKED);
        }
        closer.join(TimeUnit.SECONDS.toMillis(30));

        assertThat(closer.isAlive()).isFalse();
        long written = readAll(log).stream().mapToLong(h -> ((Histogram) h).getTotalCount()).sum();
        assertThat(written).as("calls in the log after close").isEqualTo(1_000L);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !writer.isAlive());
    }

    @Test
    void aLogThatCannotBeWrittenIsReportedNotLostSilently() {
        Path full = Path.of("/dev/full");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isWritable(full), "needs /dev/full");

        assertThatThrownBy(() -> {
            try (LatencyRecorder recorder = new LatencyRecorder(full, Duration.ofHours(1))) {
                recorder.record("echo", null, Outcome.OK, 1_000L);
            }
        }).isInstanceOf(UncheckedIOException.class).hasMessageContaining("/dev/full");
    }

    @Test
    void intervalsThatCannotBeWrittenMakeCloseFailNamingTheLog() throws Exception {
        Path log = dir.resolve("breaks.hlog");
        java.util.concurrent.atomic.AtomicBoolean broken = new java.util.concurrent.atomic.AtomicBoolean();
        OutputStream breaking = new FilterOutputStream(Files.newOutputStream(log)) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (broken.get()) {
                    throw new IOException("disk gone");
                }
                out.write(b, off, len);
            }
        };
        LatencyRecorder recorder = new LatencyRecorder(log, Duration.ofHours(1), breaking);
        recorder.record("echo", null, Outcome.OK, 1_000L);
        broken.set(true);

        assertThatThrownBy(recorder::close).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining(log.toString());
    }

    private static Thread writerThreadOf(Path log) {
        String name = "latency-log-" + log.getFileName();
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no thread named " + name));
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
