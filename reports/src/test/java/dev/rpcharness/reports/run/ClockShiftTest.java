package dev.rpcharness.reports.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rpcharness.reports.RunFixture;
import dev.rpcharness.run.RunFolder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two injectors record the same real moment (an error spike in second 10, a crash at 10.0 s) while B's wall clock is
 * 3 s ahead of A's: B's folder says so in its {@code injector-clock.json}, and the merge puts both on A's clock.
 */
class ClockShiftTest {

    private static final long T0 = 1_796_000_000_000L;
    private static final long B_AHEAD = 3_000;

    @TempDir
    Path dir;

    @Test
    void theMergeShiftsAFolderByItsInjectorClock() throws IOException {
        Path a = injector("a", T0);
        Path b = injector("b", T0 + B_AHEAD);
        writeClock(b, "{\"runId\":\"r1\",\"injector\":\"injector-1\",\"reference\":\"injector-0\","
                + "\"aheadMillis\":" + B_AHEAD + ",\"uncertaintyMillis\":2}");

        ScenarioRun run = ScenarioRun.read(List.of(a, b));

        assertThat(run.t0Millis()).isEqualTo(T0);
        assertThat(errorSeconds(run)).containsExactly(10);
        assertThat(count(run.buckets().get(10), "echo/timeout")).isEqualTo(5 + 7);
        assertThat(Math.abs(crashAt(run, "b") - crashAt(run, "a"))).isLessThan(1_000);
        assertThat(run.seconds(crashAt(run, "b"))).isEqualTo(10.0);
    }

    @Test
    void withoutTheClockFileTheSameFoldersAreThreeSecondsApart() {
        Path a = injector("a", T0);
        Path b = injector("b", T0 + B_AHEAD);

        ScenarioRun run = ScenarioRun.read(List.of(a, b));

        assertThat(errorSeconds(run)).containsExactly(10, 13);
        assertThat(crashAt(run, "b") - crashAt(run, "a")).isEqualTo(B_AHEAD);
    }

    @Test
    void aFolderReadAloneIsShiftedTooSoItsSecondsStayTheSame() throws IOException {
        Path b = injector("b", T0 + B_AHEAD);
        writeClock(b, "{\"aheadMillis\":" + B_AHEAD + ",\"uncertaintyMillis\":2}");

        ScenarioRun run = ScenarioRun.read(b);

        assertThat(run.t0Millis()).isEqualTo(T0);
        assertThat(crashAt(run, "b")).isEqualTo(T0 + 10_000);
        assertThat(errorSeconds(run)).containsExactly(10);
    }

    @Test
    void aMalformedClockFileIsNamedWithWhatIsWrong() throws IOException {
        Path b = injector("b", T0);
        writeClock(b, "{\"aheadMillis\":\"3s\"}");
        assertThatThrownBy(() -> ScenarioRun.read(b)).isInstanceOf(RunFormatException.class)
                .hasMessageContaining(b.resolve(RunFolder.INJECTOR_CLOCK).toString())
                .hasMessageContaining("aheadMillis must be an integer");

        writeClock(b, "{\"aheadMillis\":3000");
        assertThatThrownBy(() -> ScenarioRun.read(b)).isInstanceOf(RunFormatException.class)
                .hasMessageContaining(RunFolder.INJECTOR_CLOCK).hasMessageContaining("not JSON");

        writeClock(b, "{\"injector\":\"injector-1\"}");
        assertThatThrownBy(() -> ClockShift.read(b)).isInstanceOf(RunFormatException.class)
                .hasMessageContaining(RunFolder.INJECTOR_CLOCK).hasMessageContaining("aheadMillis")
                .hasMessageContaining("missing");

        writeClock(b, "[3000]");
        assertThatThrownBy(() -> ClockShift.read(b)).isInstanceOf(RunFormatException.class)
                .hasMessageContaining(RunFolder.INJECTOR_CLOCK).hasMessageContaining("one JSON object");
    }

    @Test
    void noClockFileIsNoShiftAndBehindIsAPositiveShift() throws IOException {
        Path a = injector("a", T0);
        assertThat(ClockShift.read(a)).isEqualTo(ClockShift.NONE);
        writeClock(a, "{\"aheadMillis\":-250}");
        assertThat(ClockShift.read(a).millis()).isEqualTo(250);
    }

    /**
     * One injector's folder whose clock read {@code t0} at the run's real start: ok traffic for 20 s, 5 (A) or 7 (B)
     * timeouts in second 10 and a crash at 10.0 s, both on its own clock.
     */
    private Path injector(String name, long t0) {
        int timeouts = name.equals("a") ? 5 : 7;
        return new RunFixture("clocks", t0).okTraffic(0, 19, "127.0.0.1:1", 10, 500)
                .failures(10, "127.0.0.1:1", "timeout", timeouts, 1_000_000)
                .event(10.0, "crash", "p0", "127.0.0.1:1 seen by " + name)
                .writeTo(dir.resolve(name), "1");
    }

    private static void writeClock(Path folder, String json) throws IOException {
        Files.writeString(folder.resolve(RunFolder.INJECTOR_CLOCK), json, StandardCharsets.UTF_8);
    }

    /** The seconds whose buckets hold failed calls. */
    private static List<Integer> errorSeconds(ScenarioRun run) {
        return IntStream.range(0, run.buckets().size()).filter(k -> count(run.buckets().get(k), "echo/timeout") > 0)
                .boxed().toList();
    }

    /** Wall time of the crash the folder {@code a/..} or {@code b/..} recorded. */
    private static long crashAt(ScenarioRun run, String injector) {
        return run.timeline().stream().filter(e -> e.action().equals("crash"))
                .filter(e -> e.detail().endsWith("seen by " + injector)).findFirst().orElseThrow().wallMillis();
    }

    private static long count(Bucket b, String tag) {
        Histogram h = b.histograms().get(Tag.parse(tag));
        return h == null ? 0 : h.getTotalCount();
    }
}
