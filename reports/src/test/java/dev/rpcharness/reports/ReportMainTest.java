package dev.rpcharness.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportMainTest {

    private static final long T0 = 1_796_000_000_000L;

    @TempDir
    Path results;

    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);

    private String printed() {
        return printed.toString(StandardCharsets.UTF_8);
    }

    @Test
    void writesPagesIndexMarkdownAndJsonForTheNewestRunOfEachScenario() throws Exception {
        RunFixture.crashOne(T0).writeTo(results, "20261130200000001");
        RunFixture.crashOne(T0).writeTo(results, "20261130210000001");
        RunFixture.freeze(T0).writeTo(results, "20261130200000002");

        ReportWriter.Result r = ReportMain.run(new String[] {"--out", results.resolve("rpc-report-1").toString(),
                results.toString()}, out);

        assertThat(r.scenarios()).extracting(a -> a.run().folders().get(0).getFileName().toString())
                .containsExactly("crashonesimulation-20261130210000001", "freezesimulation-20261130200000002");
        Path dir = results.resolve("rpc-report-1");
        assertThat(dir.resolve("index.html")).exists();
        assertThat(dir.resolve("crashonesimulation.html")).exists();
        assertThat(dir.resolve("freezesimulation.html")).exists();
        assertThat(Files.readString(dir.resolve(ReportWriter.MARKDOWN))).contains("| crashonesimulation | pass |");
        assertThat(printed()).contains("## RPC Harness resilience report", "p2 frozen: 100 errors (timeout), "
                + "failed at timeout; first within 1.9 s; back to zero within 5.9 s; serves again within 1.9 s");
        JsonNode json = new ObjectMapper().readTree(dir.resolve("rpc-report.json").toFile());
        JsonNode freeze = json.path("scenarios").get(1);
        assertThat(freeze.path("verdict").asText()).isEqualTo("fail");
        assertThat(freeze.path("errorsByClass").path("timeout").asLong()).isEqualTo(100);
        assertThat(freeze.path("recovery").get(0).path("errorsEndedAfterStepEndS").asDouble()).isEqualTo(0.9);
        assertThat(json.has("comparison")).isFalse();
        String page = Files.readString(dir.resolve("crashonesimulation.html"));
        assertThat(page).contains("uPlot").doesNotContain("src=\"http").doesNotContain("highcharts")
                .contains("href=\"../crashonesimulation-20261130210000001/index.html\"");
    }

    @Test
    void aSecondReportComparesWithTheFirstAndCanFailOnARegression() throws Exception {
        RunFixture.crashOne(T0).writeTo(results.resolve("run1"), "1");
        ReportMain.run(new String[] {"--out", results.resolve("rpc-report-20261130-200000").toString(),
                results.resolve("run1").toString()}, out);

        RunFixture worse = RunFixture.crashOne(T0);
        for (int k = 6; k <= 12; k++) {
            worse.failures(k, "127.0.0.1:20002", "connection-lost", 10, 200);
        }
        worse.writeTo(results.resolve("run2"), "2");
        String[] args = {"--out", results.resolve("rpc-report-20261130-210000").toString(),
            results.resolve("run2").toString()};
        ReportWriter.Result second = ReportMain.run(args, out);

        assertThat(second.comparison()).isNotNull();
        assertThat(second.comparison().baseline()).contains("rpc-report-20261130-200000");
        assertThat(second.comparison().regressions()).extracting(c -> c.metric())
                .contains("errors", "p1 crashed: errors", "p1 crashed: errors back to zero after s");
        assertThat(printed()).contains("**REGRESSION**", "not failing the build");

        // Automatically, a third report would compare with the second; the first is named explicitly.
        String[] failing = {"--fail-on-regression", "--baseline",
            results.resolve("rpc-report-20261130-200000").toString(), "--out", results.resolve("rpc-report-20261130-220000").toString(),
            results.resolve("run2").toString()};
        assertThatThrownBy(() -> ReportMain.run(failing, out)).isInstanceOf(RegressionException.class)
                .hasMessageContaining("crashonesimulation errors 3.0 -> 73.0");

        String[] explicit = {"--baseline", "none", "--out", results.resolve("rpc-report-20261130-230000").toString(),
            results.resolve("run2").toString()};
        assertThat(ReportMain.run(explicit, out).comparison()).isNull();
    }

    @Test
    void lastRunTakesTheFoldersGatlingListedAndIgnoresItsErrorLine() throws Exception {
        RunFixture.crashOne(T0).writeTo(results, "1");
        RunFixture.freeze(T0).writeTo(results, "2");
        Files.writeString(results.resolve("lastRun.txt"), "freezesimulation-2\nExecutionError: Gatling simulation "
                + "assertions failed!\n");

        ReportWriter.Result r = ReportMain.run(new String[] {"--last-run", "--baseline", "none", results.toString()},
                out);

        assertThat(r.scenarios()).extracting(a -> a.run().name()).containsExactly("freezesimulation");
        assertThat(r.outDir().getFileName().toString()).startsWith("rpc-report-");
    }

    @Test
    void mergeMakesOneScenarioOfSeveralInjectorsFolders() {
        var a = new RunFixture("twoinjectors", T0).okTraffic(0, 9, "127.0.0.1:1", 10, 500)
                .writeTo(results.resolve("host-a"), "1");
        var b = new RunFixture("twoinjectors", T0 + 300).okTraffic(0, 9, "127.0.0.1:1", 20, 500)
                .writeTo(results.resolve("host-b"), "1");

        ReportWriter.Result r = ReportMain.run(new String[] {"--merge", "--out", results.resolve("m").toString(),
            a.toString(), b.toString()}, out);

        assertThat(r.scenarios()).hasSize(1);
        assertThat(r.scenarios().get(0).calls()).isEqualTo(300);
        assertThat(r.scenarios().get(0).series().ok()[3]).isEqualTo(30);
    }

    @Test
    void badArgumentsSayWhatIsWrong() {
        assertThatThrownBy(() -> ReportMain.run(new String[] {"--colour", "x"}, out))
                .hasMessageContaining("unknown option --colour");
        assertThatThrownBy(() -> ReportMain.run(new String[] {"--tolerance", "much", results.toString()}, out))
                .hasMessageContaining("--tolerance needs a number");
        assertThatThrownBy(() -> ReportMain.run(new String[] {results.resolve("nope").toString()}, out))
                .hasMessageContaining("nope").hasMessageContaining("neither a run folder");
        assertThatThrownBy(() -> ReportMain.run(new String[0], out)).hasMessageContaining("usage");
    }
}
