package dev.rpcharness.loadtest.throughput;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchProfileTest {

    @TempDir
    Path dir;

    @Test
    void switchedOnItWritesARecordingWhoseSummaryFindsTheBusyMethod() throws IOException {
        Path file = dir.resolve("sub/line.jfr");
        Optional<ProfileSummary> summary;
        try (BenchProfile profile = BenchProfile.start(true, file, List.of(Burner.class.getName()))) {
            assertThat(profile.on()).isTrue();
            Burner.spin(1_500_000_000L);
            summary = profile.finish();
            assertThat(profile.finish()).isEmpty();
        }
        assertThat(file).isRegularFile();
        assertThat(summary).isPresent();
        ProfileSummary s = summary.get();
        assertThat(s.samples()).isGreaterThan(20);
        assertThat(s.shareOf(Burner.class.getName())).isGreaterThan(0.5);
        assertThat(s.topShareOf(Burner.class.getName())).isGreaterThan(0.5);
        assertThat(s.shareOf("java.util.NoSuchClass")).isZero();
        assertThat(s.topMethods(3)).anyMatch(m -> m.startsWith(Burner.class.getName() + "."));
        assertThat(s.describe(5)).contains("top frames:", "%: " + Burner.class.getName(),
                file.toString());
    }

    @Test
    void switchedOffItRecordsAndWritesNothing() throws IOException {
        Path file = dir.resolve("off.jfr");
        try (BenchProfile profile = BenchProfile.start(false, file, List.of())) {
            assertThat(profile.on()).isFalse();
            assertThat(profile.finish()).isEmpty();
        }
        assertThat(file).doesNotExist();
    }

    @Test
    void aFileThatIsNoRecordingFailsNamingIt() throws IOException {
        Path file = Files.writeString(dir.resolve("not.jfr"), "not a recording");
        assertThatThrownBy(() -> ProfileSummary.read(file, List.of()))
                .isInstanceOf(IOException.class).hasMessageContaining(file.toString());
    }

    /** Keeps one thread busy in its own frames, so the samples land there. */
    static final class Burner {
        static volatile long sink;

        static void spin(long nanos) {
            long end = System.nanoTime() + nanos;
            long x = 1;
            while (System.nanoTime() < end) {
                for (int i = 0; i < 10_000; i++) {
                    x = x * 6364136223846793005L + 1442695040888963407L;
                }
            }
            sink = x;
        }
    }
}
