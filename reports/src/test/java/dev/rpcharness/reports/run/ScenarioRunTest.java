package dev.rpcharness.reports.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rpcharness.reports.RunFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScenarioRunTest {

    private static final long T0 = 1_796_000_000_000L;

    @TempDir
    Path dir;

    @Test
    void readsIntervalsIntoOneBucketPerSecondWithTagsTimelineAndAssertions() {
        Path folder = RunFixture.crashOne(T0).writeTo(dir, "20261130200658364");

        ScenarioRun run = ScenarioRun.read(folder);

        assertThat(run.name()).isEqualTo("crashonesimulation");
        assertThat(run.t0Millis()).isEqualTo(T0);
        assertThat(run.buckets()).hasSize(20);
        Bucket five = run.buckets().get(5);
        assertThat(five.index()).isEqualTo(5);
        assertThat(five.histograms().get(Tag.parse("echo/connection-lost")).getTotalCount()).isEqualTo(3);
        assertThat(five.histograms().get(Tag.parse("echo/ok")).getTotalCount()).isEqualTo(200);
        assertThat(run.buckets().get(0).histograms().get(Tag.parse("echo/ok")).getTotalCount()).isEqualTo(300);
        assertThat(run.timeline()).extracting(TimelineEntry::action).contains("crash", "restart");
        assertThat(run.seconds(run.timeline().stream().filter(e -> e.action().equals("crash")).findFirst()
                .orElseThrow().wallMillis())).isEqualTo(5.2);
        assertThat(run.assertions()).containsExactly(
                new Assertion("echo: percentage of failed events is less than 1.0", true),
                new Assertion("only in-flight calls failed: count of failed events is 0.0", true));
        assertThat(run.title()).isEqualTo("crashonesimulation");
        assertThat(run.gatlingPages()).containsExactly(folder.resolve("index.html"));
    }

    @Test
    void parsesTagsWithAndWithoutProvider() {
        assertThat(Tag.parse("echo/ok")).isEqualTo(new Tag("echo", null, "ok"));
        Tag t = Tag.parse("echo@127.0.0.1:20881/connection-lost");
        assertThat(t.provider()).isEqualTo("127.0.0.1:20881");
        assertThat(t.outcome()).isEqualTo("connection-lost");
        assertThat(t.failed()).isTrue();
        assertThatThrownBy(() -> Tag.parse("echo")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'echo'");
    }

    @Test
    void mergesInjectorsIntervalByIntervalOnOneWallClockGrid() {
        // Injector B starts 2.4 s after A; its interval boundaries fall 407 ms after A's.
        Path a = new RunFixture("twoinjectors", T0).okTraffic(0, 9, "127.0.0.1:1", 10, 500)
                .event(0.5, "injector-start", "a", "").event(6.0, "crash", "p0", "127.0.0.1:1")
                .writeTo(dir.resolve("a"), "1");
        Path b = new RunFixture("twoinjectors", T0 + 2_400).okTraffic(0, 9, "127.0.0.1:1", 7, 900)
                .event(0.5, "injector-start", "b", "").event(3.6, "crash", "p0", "127.0.0.1:1")
                .writeTo(dir.resolve("b"), "1");

        ScenarioRun run = ScenarioRun.read(List.of(a, b));

        assertThat(run.t0Millis()).isEqualTo(T0);
        assertThat(run.buckets()).hasSize(12); // B's last interval ends at 2.4 + 10.007 s
        long total = run.buckets().stream().mapToLong(k -> count(k, "echo/ok")).sum();
        assertThat(total).isEqualTo(100 + 70);
        assertThat(count(run.buckets().get(0), "echo/ok")).isEqualTo(10);
        assertThat(count(run.buckets().get(2), "echo/ok")).isEqualTo(10 + 7); // B's first second ends at 3.407
        assertThat(run.buckets().get(2).histograms().get(Tag.parse("echo/ok")).getMaxValue())
                .isBetween(899L, 901L);
        // Timelines merged by wall clock, the crash both recorded kept once.
        assertThat(run.timeline()).extracting(TimelineEntry::action)
                .containsExactly("injector-start", "injector-start", "crash");
        assertThat(run.timeline()).extracting(TimelineEntry::source).containsExactly("a/twoinjectors-1", "b/twoinjectors-1", "a/twoinjectors-1");
    }

    @Test
    void badFilesAreNamedWithTheirLine() throws Exception {
        Path folder = RunFixture.crashOne(T0).writeTo(dir, "1");
        Files.writeString(folder.resolve("rpc-timeline.jsonl"), "{\"wallTime\":\"2026-11-30T20:00:00Z\","
                + "\"action\":\"crash\"}\n{\"action\":\"thaw\"}\n", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> ScenarioRun.read(folder)).isInstanceOf(RunFormatException.class)
                .hasMessageContaining("rpc-timeline.jsonl:2").hasMessageContaining("wallTime");

        assertThatThrownBy(() -> ScenarioRun.read(dir)).isInstanceOf(RunFormatException.class)
                .hasMessageContaining("no rpc-latency.hlog");

        Files.writeString(folder.resolve("rpc-latency.hlog"), "Tag=echo/ok,0.0,1.0,1.0,notbase64!!\n");
        assertThatThrownBy(() -> LatencyLog.read(folder.resolve("rpc-latency.hlog")))
                .isInstanceOf(RunFormatException.class).hasMessageContaining("rpc-latency.hlog")
                .hasMessageContaining("interval 1");
    }

    private static long count(Bucket b, String tag) {
        Histogram h = b.histograms().get(Tag.parse(tag));
        return h == null ? 0 : h.getTotalCount();
    }
}
