package dev.rpcharness.loadtest.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rpcharness.consumer.policy.RetryBudgetState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AttemptLogTest {

    @TempDir
    Path dir;

    private final AtomicLong calls = new AtomicLong();
    private final AtomicReference<RetryBudgetState> budget =
            new AtomicReference<>(new RetryBudgetState(10, 10, true, 0, 0));
    private final AtomicLong p1 = new AtomicLong();

    private Map<String, Long> received() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("127.0.0.1:1", p1.get());
        m.put("127.0.0.1:2", 0L);
        return m;
    }

    @Test
    void countsTheIntervalsAttemptsAsCallsPlusRetriesAndWritesOneLineEach() throws Exception {
        calls.set(50); // before the load: not counted
        budget.set(new RetryBudgetState(10, 10, true, 7, 0));
        AttemptLog log = new AttemptLog(dir.resolve("a/rpc-attempts.csv"), Duration.ofHours(1), calls::get,
                budget::get, this::received).start();
        calls.set(150);
        budget.set(new RetryBudgetState(4.5, 10, false, 7 + 20, 3));
        p1.set(80);
        log.close(); // the last interval is sampled on close
        List<AttemptSample> samples = log.samples();
        assertThat(samples).hasSize(1);
        AttemptSample s = samples.get(0);
        assertThat(s.calls()).isEqualTo(100);
        assertThat(s.attempts()).isEqualTo(120);
        assertThat(s.refused()).isEqualTo(3);
        assertThat(s.amplification()).isEqualTo(1.2);
        assertThat(s.received()).containsEntry("127.0.0.1:1", 80L).containsEntry("127.0.0.1:2", 0L);
        List<String> lines = Files.readAllLines(log.file());
        assertThat(lines.get(0))
                .isEqualTo("epoch_ms,calls,attempts,refused,tokens,received@127.0.0.1:1,received@127.0.0.1:2");
        assertThat(lines.get(1)).endsWith(",100,120,3,4.500,80,0");
        assertThat(lines).hasSize(2);
        log.close(); // idempotent: no second line
        assertThat(Files.readAllLines(log.file())).hasSize(2);
    }

    @Test
    void amplificationOverAWindowWeighsEachIntervalByItsCalls() {
        List<AttemptSample> samples = List.of(
                new AttemptSample(1_000, 100, 100, 0, 10, Map.of()),
                new AttemptSample(2_000, 100, 300, 0, 10, Map.of()),
                new AttemptSample(3_000, 300, 300, 0, 10, Map.of()));
        assertThat(AttemptSample.amplification(samples, 2_000, 3_000)).isEqualTo(1.5);
        assertThat(AttemptSample.amplification(samples, 0, 10_000)).isEqualTo(700.0 / 500);
        assertThat(AttemptSample.amplification(samples, 5_000, 6_000)).isEqualTo(1.0);
    }

    @Test
    void aFileThatCannotBeCreatedIsRefusedNamingIt() throws Exception {
        Path blocker = Files.writeString(dir.resolve("not-a-folder"), "x");
        AttemptLog log = new AttemptLog(blocker.resolve("rpc-attempts.csv"), Duration.ofHours(1), calls::get,
                budget::get, Map::of);
        assertThatThrownBy(log::start).isInstanceOf(java.io.UncheckedIOException.class)
                .hasMessageContaining("not-a-folder");
        log.close(); // nothing left running
    }

    @Test
    void anUnlimitedBudgetWritesMinusOneTokens() throws Exception {
        budget.set(new RetryBudgetState(Double.POSITIVE_INFINITY, Integer.MAX_VALUE, true, 0, 0));
        AttemptLog log = new AttemptLog(dir.resolve("rpc-attempts.csv"), Duration.ofHours(1), calls::get,
                budget::get, Map::of).start();
        log.close();
        assertThat(Files.readAllLines(log.file()).get(1)).endsWith(",0,0,0,-1.000");
        assertThatThrownBy(log::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("started");
    }
}
