package dev.rpcharness.reports.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rpcharness.reports.ReportMain;
import dev.rpcharness.reports.ReportWriter;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The host's run folder of a run spread over injector JVMs, with the guests' folders in its {@code injectors/}: read
 * as one run, each injector's traffic shown, the host's timeline once.
 */
class SpreadFolderTest {

    private static final long T0 = 1_796_000_000_000L;

    @TempDir
    Path dir;

    private Path host() {
        Path host = new dev.rpcharness.reports.RunFixture("crashonesimulation", T0)
                .okTraffic(0, 9, "127.0.0.1:1", 10, 500)
                .failures(3, "127.0.0.1:1", "connection-lost", 2, 1_000)
                .event(3.0, "crash", "p1", "127.0.0.1:1")
                .writeTo(dir, "20261206");
        Path guests = host.resolve(ScenarioRun.INJECTORS);
        new dev.rpcharness.reports.RunFixture("injector", T0).okTraffic(0, 9, "127.0.0.1:1", 20, 500)
                .writeTo(guests, "1");
        new dev.rpcharness.reports.RunFixture("injector", T0).okTraffic(0, 9, "127.0.0.1:1", 30, 500)
                .writeTo(guests, "2");
        return host;
    }

    @Test
    void theHostsFolderIsReadWithItsGuestsAndTheTrafficOfEachIsKept() {
        Path host = host();

        ScenarioRun run = ScenarioRun.read(host);

        assertThat(ScenarioRun.withInjectors(host)).containsExactly(host,
                host.resolve("injectors/injector-1"), host.resolve("injectors/injector-2"));
        assertThat(run.traffic()).extracting(ScenarioRun.Traffic::source)
                .containsExactly("crashonesimulation-20261206", "injector-1", "injector-2");
        assertThat(run.traffic()).extracting(ScenarioRun.Traffic::calls).containsExactly(102L, 200L, 300L);
        assertThat(run.traffic()).extracting(ScenarioRun.Traffic::failed).containsExactly(2L, 0L, 0L);
        assertThat(run.timeline()).filteredOn(e -> e.action().equals("crash")).hasSize(1);
    }

    @Test
    void aFolderWithoutInjectorsIsReadAlone() {
        Path alone = new dev.rpcharness.reports.RunFixture("baselinesimulation", T0)
                .okTraffic(0, 4, "127.0.0.1:1", 10, 500).writeTo(dir, "1");

        assertThat(ScenarioRun.withInjectors(alone)).containsExactly(alone);
        assertThat(ScenarioRun.read(alone).traffic()).singleElement()
                .extracting(ScenarioRun.Traffic::calls).isEqualTo(50L);
    }

    @Test
    void theReportOfTheResultsFolderMergesTheRunAndShowsEachInjectorsTraffic() throws Exception {
        host();
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        ReportWriter.Result result = ReportMain.run(new String[] {"--baseline", "none", dir.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8));

        assertThat(out.toString(StandardCharsets.UTF_8)).contains("| 602 |");
        List<Path> pages;
        try (var list = Files.list(result.outDir())) {
            pages = list.filter(p -> p.getFileName().toString().startsWith("crashone")).toList();
        }
        assertThat(pages).hasSize(1);
        String page = Files.readString(pages.get(0));
        assertThat(page).contains("<td>injector-1</td><td>200</td><td>0</td><td>33.2%</td>")
                .contains("<td>injector-2</td><td>300</td><td>0</td><td>49.8%</td>");
    }
}
