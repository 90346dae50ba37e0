package dev.rpcharness.loadtest.gatling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rpcharness.loadtest.record.IntervalLog;
import io.gatling.app.Gatling$;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@link CheckSimulation} through Gatling, in this JVM, against a real embedded cluster: a call whose check
 * fails is the same thing in Gatling's statistics, the latency log and the summary.
 */
class CheckRunTest {

    @TempDir
    Path results;

    @Test
    void failedCheckIsCheckFailedEverywhereVerifyStepsAreNoRequestsAndErrorsGroupByKind() throws Exception {
        int rc = run(CheckSimulation.class);

        assertThat(rc).as("Gatling exit code (2 = assertions failed: see the assertion lines above)").isZero();
        Path runDir = onlyRunDir();
        Map<String, List<IntervalLog.Interval>> log = IntervalLog.read(runDir.resolve("rpc-latency.hlog"));
        assertThat(count(log, "echo/check-failed")).isEqualTo(CheckSimulation.CALLS / 2);
        assertThat(count(log, "echo/ok")).isEqualTo(CheckSimulation.CALLS / 2);
        assertThat(Files.readString(runDir.resolve("rpc-summary.txt"))).contains("echo/check-failed");
        assertThat(errorRows(runDir)).as("rows of Gatling's error table").containsExactly(
                "check-failed: result is not an even turn");
    }

    @Test
    void latencyAssertionOnSuccessfulCallsFailsTheRunLikeGatlingsOwn() throws Exception {
        System.setProperty("check.sloMicros", "1");
        int rc;
        try {
            rc = run(CheckSimulation.class);
        } finally {
            System.clearProperty("check.sloMicros");
        }

        assertThat(rc).as("Gatling exit code: 2 = assertions failed").isEqualTo(2);
    }

    private int run(Class<?> simulation) {
        System.setProperty("rpc.resultsDir", results.toString());
        try {
            return Gatling$.MODULE$.fromArgs(new String[] {
                "--simulation", simulation.getName(),
                "--results-folder", results.toAbsolutePath().toString()});
        } finally {
            System.clearProperty("rpc.resultsDir");
        }
    }

    private static long count(Map<String, List<IntervalLog.Interval>> log, String tag) {
        return log.getOrDefault(tag, List.of()).stream().mapToLong(IntervalLog.Interval::count).sum();
    }

    /** The messages of the error table of Gatling's HTML report. */
    static List<String> errorRows(Path runDir) throws Exception {
        String html = Files.readString(runDir.resolve("index.html"));
        Matcher m = Pattern.compile("<td class=\"error-col-1 total ko\">(.*?)<span").matcher(html);
        java.util.ArrayList<String> rows = new java.util.ArrayList<>();
        while (m.find()) {
            rows.add(m.group(1).trim());
        }
        return rows;
    }

    private Path onlyRunDir() throws Exception {
        try (Stream<Path> dirs = Files.list(results)) {
            List<Path> list = dirs.filter(Files::isDirectory).toList();
            assertThat(list).hasSize(1);
            return list.get(0);
        }
    }
}
