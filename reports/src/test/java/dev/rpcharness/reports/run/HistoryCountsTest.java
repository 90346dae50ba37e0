package dev.rpcharness.reports.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report reads the ok / fail / info counts a run's call-history check wrote, summed over clients and folders. */
class HistoryCountsTest {

    @TempDir
    Path dir;

    @Test
    void countsAreSummedOverClientsAndFoldersAndAbsentWithoutACheck() throws Exception {
        Path a = Files.createDirectories(dir.resolve("a"));
        Path b = Files.createDirectories(dir.resolve("b"));
        Path none = Files.createDirectories(dir.resolve("none"));
        Files.writeString(a.resolve(HistoryCounts.FILE),
                "{\"source\":\"client-0\",\"calls\":10,\"ok\":7,\"fail\":1,\"info\":2,\"infoRan\":1,\"infoNotRan\":1,"
                        + "\"infoUnknown\":0,\"open\":0,\"flagged\":2,\"violations\":0}\n"
                        + "{\"source\":\"client-1\",\"calls\":5,\"ok\":5,\"fail\":0,\"info\":0,\"infoRan\":0,"
                        + "\"infoNotRan\":0,\"infoUnknown\":0,\"open\":0,\"flagged\":0,\"violations\":1}\n");
        Files.writeString(b.resolve(HistoryCounts.FILE), "{\"calls\":3,\"ok\":0,\"fail\":0,\"info\":3,\"infoRan\":0,"
                + "\"infoNotRan\":0,\"infoUnknown\":3,\"flagged\":0,\"violations\":0}\n");

        HistoryCounts counts = HistoryCounts.read(List.of(a, b, none)).orElseThrow();

        assertThat(counts).isEqualTo(new HistoryCounts(18, 12, 1, 5, 1, 1, 3, 2, 1));
        assertThat(counts.line()).isEqualTo(
                "ok 12, fail 1, info 5 (ran 1, did not run 1, unknown 3), 2 flagged, 1 violation");
        assertThat(HistoryCounts.read(List.of(none))).isEmpty();
    }

    @Test
    void perStepCountsReadAsOneLineAStep() throws Exception {
        Path a = Files.createDirectories(dir.resolve("a"));
        Files.writeString(a.resolve(HistoryCounts.STEPS_FILE),
                "{\"step\":\"before chaos\",\"fromMillis\":0,\"ok\":10,\"fail\":0,\"info\":0}\n"
                        + "{\"step\":\"crash p1\",\"fromMillis\":5210,\"ok\":7,\"fail\":1,\"info\":2}\n");

        assertThat(HistoryCounts.perStep(List.of(dir.resolve("none"), a))).containsExactly(
                "before chaos from +0.0 s: ok 10, fail 0, info 0", "crash p1 from +5.2 s: ok 7, fail 1, info 2");
    }
}
