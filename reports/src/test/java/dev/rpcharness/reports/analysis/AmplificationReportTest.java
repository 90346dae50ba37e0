package dev.rpcharness.reports.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rpcharness.reports.RunFixture;
import dev.rpcharness.reports.render.ChartAssets;
import dev.rpcharness.reports.render.MarkdownSummary;
import dev.rpcharness.reports.render.ScenarioPage;
import dev.rpcharness.reports.run.AttemptSeries;
import dev.rpcharness.reports.run.RunFormatException;
import dev.rpcharness.reports.run.ScenarioRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Attempts per call from a run's rpc-attempts.csv: the series, the page's chart and fact, the Markdown line. */
class AmplificationReportTest {

    private static final long T0 = 1_796_000_000_000L;

    @TempDir
    Path dir;

    /** The crash-one run with 300 calls a second; seconds 5 to 9 take 2 attempts per call, 40 refused each. */
    private Path runWithAttempts() throws Exception {
        Path folder = RunFixture.crashOne(T0).writeTo(dir, "20261130200658364");
        StringBuilder csv = new StringBuilder("epoch_ms,calls,attempts,refused,tokens,received@127.0.0.1:20001\n");
        for (int k = 0; k < 20; k++) {
            boolean storm = k >= 5 && k <= 9;
            csv.append(T0 + (k + 1) * 1000L).append(",300,").append(storm ? 600 : 300).append(',')
                    .append(storm ? 40 : 0).append(",5.000,100\n");
        }
        Files.writeString(folder.resolve(AttemptSeries.FILE), csv);
        return folder;
    }

    @Test
    void readsAttemptsPerCallPerSecondOntoTheRunsSeconds() throws Exception {
        ScenarioAnalysis a = ScenarioAnalysis.of(ScenarioRun.read(runWithAttempts()));

        AttemptSeries at = a.attempts().orElseThrow();
        assertThat(at.perCall()[4]).isEqualTo(1.0);
        assertThat(at.perCall()[5]).isEqualTo(2.0);
        assertThat(at.perCall()[9]).isEqualTo(2.0);
        assertThat(at.perCall()[10]).isEqualTo(1.0);
        assertThat(at.amplification()).isEqualTo(25.0 / 20);
        assertThat(at.peak(10)).isEqualTo(2.0);
        assertThat(at.refused()).isEqualTo(200);
    }

    @Test
    void thePageDrawsTheChartAndTheSummaryGivesTheAmplification() throws Exception {
        ScenarioAnalysis a = ScenarioAnalysis.of(ScenarioRun.read(runWithAttempts()));

        String page = ScenarioPage.render(a, dir, ChartAssets.load(), new ObjectMapper());
        assertThat(page).contains("id=\"chart-attempts\"").contains("attempts per call<b>1.250 (peak second 2.00)");
        String json = page.substring(page.indexOf("id=\"rpc-data\">") + "id=\"rpc-data\">".length());
        JsonNode data = new ObjectMapper().readTree(json.substring(0, json.indexOf("</script>")));
        assertThat(data.path("attempts").path("series").get(0).path("values").get(5).asDouble()).isEqualTo(2.0);

        String md = MarkdownSummary.render(List.of(a), null, null);
        assertThat(md).contains("- crashonesimulation: 1.250 over the run, peak second 2.00, 200 retries refused");
    }

    @Test
    void aRunWithoutTheFileHasNoChartAndNoLine() {
        ScenarioAnalysis a = ScenarioAnalysis.of(ScenarioRun.read(RunFixture.crashOne(T0).writeTo(dir, "1")));

        assertThat(a.attempts()).isEmpty();
        assertThat(ScenarioPage.render(a, dir, ChartAssets.load(), new ObjectMapper()))
                .doesNotContain("id=\"chart-attempts\"");
        assertThat(MarkdownSummary.render(List.of(a), null, null)).doesNotContain("Attempts per call");
    }

    @Test
    void aBrokenLineIsNamed() throws Exception {
        Path folder = RunFixture.crashOne(T0).writeTo(dir, "2");
        Files.writeString(folder.resolve(AttemptSeries.FILE), "epoch_ms,calls,attempts,refused,tokens\nx,1\n");

        assertThatThrownBy(() -> ScenarioAnalysis.of(ScenarioRun.read(folder)))
                .isInstanceOf(RunFormatException.class).hasMessageContaining("line 2");
    }
}
