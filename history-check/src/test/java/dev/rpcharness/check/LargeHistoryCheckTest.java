package dev.rpcharness.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue "call history at scale": a history of ten million calls is checked in a JVM of its own with a 128 MB heap
 * (a 2.8-million-call run once ran out of a 1 GB heap), every count exact. The child prints the checking rate and
 * the peak heap; should it run out of memory anyway, its heap dump goes under target/.
 */
class LargeHistoryCheckTest {

    static final long CALLS = 10_000_000;

    @TempDir
    Path dir;

    @Test
    void tenMillionCallsAreCheckedInA128MegabyteHeapWithExactCounts() throws IOException, InterruptedException {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path dumps = Files.createDirectories(Path.of("target", "heap-dumps"));
        Path log = dir.resolve("child.log");
        Path data = memoryBacked().orElse(dir);
        try {
            Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx128m", "-XX:+UseSerialGC", "-XX:+HeapDumpOnOutOfMemoryError",
                    "-XX:HeapDumpPath=" + dumps.toAbsolutePath(), "-cp", classpath,
                    LargeHistoryCheck.class.getName(), data.toString(), String.valueOf(CALLS))
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            boolean ended = child.waitFor(5, TimeUnit.MINUTES);
            if (!ended) {
                child.destroyForcibly().waitFor();
            }
            report(log, ended, child);
        } finally {
            if (data != dir) {
                try (var files = Files.list(data)) {
                    for (Path f : files.toList()) {
                        Files.delete(f);
                    }
                }
                Files.delete(data);
            }
        }
    }

    /**
     * A folder in memory (/dev/shm) when there is room for the 2 GB file, so the disk shared with the other builds
     * is left alone; else the test's temporary folder.
     */
    private static java.util.Optional<Path> memoryBacked() throws IOException {
        Path shm = Path.of("/dev/shm");
        if (!Files.isDirectory(shm) || !Files.isWritable(shm)
                || Files.getFileStore(shm).getUsableSpace() < (4L << 30)) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(Files.createTempDirectory(shm, "large-history-"));
    }

    private static void report(Path log, boolean ended, Process child) throws IOException {
        List<String> output = Files.readAllLines(log, StandardCharsets.UTF_8);
        // The figures the issue asks for, on the console of the build.
        output.forEach(line -> System.out.println("[large history] " + line));
        assertThat(ended).as("the check of %d calls ended within 5 minutes", CALLS).isTrue();
        assertThat(child.exitValue()).as(String.join("\n", output)).isZero();
        assertThat(output).anyMatch(l -> l.startsWith("checked 10,000,000 calls in"))
                .anyMatch(l -> l.endsWith(": as found"));
    }
}
