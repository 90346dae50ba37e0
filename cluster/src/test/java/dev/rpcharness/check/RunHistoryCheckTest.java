package dev.rpcharness.check;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rpcharness.cluster.RunHistoryCheck;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The build step after the scenarios: fails when the newest run of a scenario broke a rule, naming the call. */
class RunHistoryCheckTest {

    @TempDir
    Path results;

    private void run(String folder, long violations, String text) throws Exception {
        Path dir = Files.createDirectories(results.resolve(folder));
        Files.writeString(dir.resolve(RunHistoryCheck.JSON), "{\"calls\":3,\"violations\":" + violations + "}\n");
        Files.writeString(dir.resolve(RunHistoryCheck.TEXT), text);
    }

    @Test
    void theNewestRunOfEachScenarioDecides() throws Exception {
        run("crashonesimulation-20260101000000", 1, "client-0: 1 violation(s)\n  - ENDED_ONCE: call #7 E#echo");
        run("crashonesimulation-20260102000000", 0, "client-0: 0 violation(s)");
        run("freezesimulation-20260101000000", 0, "client-0: 0 violation(s)");
        assertThatCode(() -> RunHistoryCheck.main(new String[] {results.toString()})).doesNotThrowAnyException();

        run("freezesimulation-20260103000000", 2, "client-0: 2 violation(s)\n  - NONE_OPEN: call #9 E#echo");
        assertThatThrownBy(() -> RunHistoryCheck.main(new String[] {results.toString()}))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("freezesimulation-20260103000000")
                .hasMessageContaining("call #9 E#echo").hasMessageNotContaining("call #7");
    }
}
