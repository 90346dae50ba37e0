package dev.rpcharness.loadtest.gatling;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatling.app.Gatling$;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs {@link SmokeSimulation} through Gatling itself, in this JVM, against a real embedded cluster. */
class GatlingRunTest {

    @TempDir
    Path results;

    @Test
    void realGatlingRunDrivesTheConsumerCoreAndWritesHistogramLogAndTimelineNextToTheReport() throws Exception {
        int rc = runSmoke("50");

        assertThat(rc).as("Gatling exit code (2 = assertions failed)").isZero();
        Path runDir = onlyRunDir();
        assertThat(runDir.resolve("index.html")).exists();
        List<EncodableHistogram> intervals = readAll(runDir.resolve("rpc-latency.hlog"));
        long okCalls = intervals.stream().filter(h -> "echo/ok".equals(h.getTag()))
                .mapToLong(h -> ((org.HdrHistogram.Histogram) h).getTotalCount()).sum();
        assertThat(okCalls).isGreaterThan(50);
        assertThat(Files.readString(runDir.resolve("rpc-timeline.jsonl"))).contains("crash").contains("restart");
        assertThat(Files.readString(runDir.resolve("rpc-summary.txt"))).contains("echo/ok");
    }

    @Test
    void brokenAssertionMakesGatlingExitWithTwo() throws Exception {
        int rc = runSmoke("100.1");

        assertThat(rc).isEqualTo(2);
    }

    private int runSmoke(String minOkPercent) {
        System.setProperty("rpc.resultsDir", results.toString());
        System.setProperty("smoke.minOkPercent", minOkPercent);
        try {
            return Gatling$.MODULE$.fromArgs(new String[] {
                "--simulation", SmokeSimulation.class.getName(),
                "--results-folder", results.toAbsolutePath().toString()});
        } finally {
            System.clearProperty("rpc.resultsDir");
            System.clearProperty("smoke.minOkPercent");
        }
    }

    private Path onlyRunDir() throws Exception {
        try (Stream<Path> dirs = Files.list(results)) {
            List<Path> list = dirs.filter(Files::isDirectory).toList();
            assertThat(list).hasSize(1);
            return list.get(0);
        }
    }

    private static List<EncodableHistogram> readAll(Path log) throws Exception {
        List<EncodableHistogram> list = new ArrayList<>();
        File file = log.toFile();
        HistogramLogReader reader = new HistogramLogReader(file);
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
