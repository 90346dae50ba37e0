package dev.rpcharness.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rpcharness.run.ExecutedCallLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attempt rules of docs/history.md, each over a hand-written history: a history a correct client could write
 * passes, and the same history broken in one place fails with the call named.
 */
class AttemptRulesTest {

    private static final String LOST = "dev.rpcharness.consumer.ConnectionLostException";
    private static final String PROTOCOL = "dev.rpcharness.consumer.RpcProtocolException";
    private static final String CANCELLED = "java.util.concurrent.CancellationException";
    private static final long MS = 1_000_000L;

    @TempDir
    Path dir;

    /** The header, the client, a budget of 10 tokens (0.1 back per success) and {@code policy}. */
    private static StringBuilder history(String policy) {
        return new StringBuilder()
                .append("{\"e\":\"history\",\"callTimeoutMs\":1000,\"originNanos\":0,\"description\":\"t\"}\n")
                .append("{\"e\":\"client\",\"clientId\":\"c0\"}\n")
                .append("{\"e\":\"budget\",\"maxTokens\":10,\"tokenRatio\":0.1}\n")
                .append(policy).append('\n');
    }

    private static String policy(int maxAttempts, boolean idempotent, boolean hedged) {
        return "{\"e\":\"policy\",\"method\":\"S#m\",\"maxAttempts\":" + maxAttempts + ",\"idempotent\":" + idempotent
                + ",\"hedged\":" + hedged + "}";
    }

    private static void start(StringBuilder h, long seq, long t) {
        h.append("{\"e\":\"start\",\"seq\":").append(seq).append(",\"t\":").append(t * MS)
                .append(",\"method\":\"S#m\"}\n");
    }

    private static void attempt(StringBuilder h, long seq, int n, long t) {
        h.append("{\"e\":\"attempt\",\"seq\":").append(seq).append(",\"t\":").append(t * MS).append(",\"attempt\":")
                .append(n).append("}\n");
    }

    private static void write(StringBuilder h, long seq, int n, long t, String provider, long id) {
        h.append("{\"e\":\"write\",\"seq\":").append(seq).append(",\"t\":").append(t * MS).append(",\"provider\":\"")
                .append(provider).append("\",\"port\":5000,\"id\":").append(id).append(",\"attempt\":").append(n)
                .append("}\n");
    }

    private static void attemptEnd(StringBuilder h, long seq, int n, long t, String error) {
        h.append("{\"e\":\"attemptEnd\",\"seq\":").append(seq).append(",\"t\":").append(t * MS)
                .append(",\"attempt\":").append(n).append(error == null ? "" : ",\"error\":\"" + error + "\"")
                .append("}\n");
    }

    private static void end(StringBuilder h, long seq, long t, String error) {
        h.append("{\"e\":\"end\",\"seq\":").append(seq).append(",\"t\":").append(t * MS)
                .append(error == null ? "" : ",\"error\":\"" + error + "\"").append("}\n");
    }

    /** Call {@code seq}: attempt 1 on a written and lost, attempt 2 on b answered. */
    private static void retriedOnce(StringBuilder h, long seq, long t) {
        start(h, seq, t);
        attempt(h, seq, 1, t);
        write(h, seq, 1, t + 1, "a:1", seq * 2);
        attemptEnd(h, seq, 1, t + 5, LOST);
        attempt(h, seq, 2, t + 10);
        write(h, seq, 2, t + 11, "b:1", seq * 2 + 1);
        attemptEnd(h, seq, 2, t + 20, null);
        end(h, seq, t + 20, null);
    }

    private List<Violation> check(StringBuilder h, ExecutedCallLog a, ExecutedCallLog b) throws IOException {
        Path file = dir.resolve("h" + System.nanoTime() + ".jsonl");
        Files.writeString(file, h.toString() + "{\"e\":\"closed\",\"t\":99000000000,\"lost\":0}\n");
        HistoryChecker.Builder checker = HistoryChecker.builder();
        checker.provider("a:1", "p0", a, List.of());
        checker.provider("b:1", "p1", b, List.of());
        return checker.build().check(file).violations();
    }

    private List<Violation> check(StringBuilder h) throws IOException {
        return check(h, null, null);
    }

    /** A log holding the calls of client c0 from port 5000 with these request ids. */
    private static ExecutedCallLog ran(Long... ids) {
        Set<Long> set = Set.of(ids);
        return new ExecutedCallLog() {
            @Override
            public boolean ran(String clientId, int callerPort, long requestId) {
                return "c0".equals(clientId) && callerPort == 5000 && set.contains(requestId);
            }

            @Override
            public boolean complete() {
                return true;
            }
        };
    }

    @Test
    void aCallRetriedOnAnotherProviderPassesWithEachAttemptWrittenOnce() throws IOException {
        StringBuilder h = history(policy(3, true, false));
        retriedOnce(h, 1, 0);
        assertThat(check(h)).isEmpty();
    }

    @Test
    void anAttemptWrittenTwiceBreaksWrittenOnceNamingTheAttempt() throws IOException {
        StringBuilder h = history(policy(3, true, false));
        start(h, 1, 0);
        attempt(h, 1, 1, 0);
        write(h, 1, 1, 1, "a:1", 1);
        write(h, 1, 1, 2, "b:1", 2);
        attemptEnd(h, 1, 1, 5, null);
        end(h, 1, 5, null);
        assertThat(check(h)).singleElement().satisfies(v -> {
            assertThat(v.rule()).isEqualTo(Rule.WRITTEN_ONCE);
            assertThat(v.message()).contains("call #1 S#m").contains("attempt 1 was written 2 times");
        });
    }

    @Test
    void moreAttemptsThanThePolicyAllowsBreakAttemptsWithinPolicy() throws IOException {
        StringBuilder h = history(policy(2, true, false));
        retriedOnce(h, 1, 0);
        String third = "{\"e\":\"attempt\",\"seq\":1,\"t\":" + 12 * MS + ",\"attempt\":3}\n"
                + "{\"e\":\"attemptEnd\",\"seq\":1,\"t\":" + 13 * MS + ",\"attempt\":3,\"error\":\"" + CANCELLED
                + "\"}\n";
        h.insert(h.indexOf("{\"e\":\"attemptEnd\",\"seq\":1,\"t\":" + 20 * MS), third);
        assertThat(check(h)).singleElement().satisfies(v -> {
            assertThat(v.rule()).isEqualTo(Rule.ATTEMPTS_WITHIN_POLICY);
            assertThat(v.seq()).isEqualTo(1);
            assertThat(v.message()).contains("made 3 attempts").contains("max 2 attempt(s)");
        });
    }

    @Test
    void aCallWithoutAPolicyLineMayMakeOneAttempt() throws IOException {
        StringBuilder h = history(policy(3, true, false).replace("S#m", "S#other"));
        retriedOnce(h, 1, 0);
        assertThat(check(h)).extracting(Violation::rule).containsExactly(Rule.ATTEMPTS_WITHIN_POLICY);
    }

    @Test
    void anAttemptStartedAfterTheDeadlineBreaksNoAttemptAfterDeadline() throws IOException {
        StringBuilder h = history(policy(3, true, false));
        start(h, 1, 0);
        attempt(h, 1, 1, 0);
        write(h, 1, 1, 1, "a:1", 1);
        attemptEnd(h, 1, 1, 999, LOST);
        attempt(h, 1, 2, 1002);
        attemptEnd(h, 1, 2, 1003, CANCELLED);
        end(h, 1, 1003, "dev.rpcharness.consumer.RpcTimeoutException");
        assertThat(check(h)).singleElement().satisfies(v -> {
            assertThat(v.rule()).isEqualTo(Rule.NO_ATTEMPT_AFTER_DEADLINE);
            assertThat(v.message()).contains("call #1 S#m").contains("attempt 2 started at +1.002s")
                    .contains("2 ms after the call's deadline at +1.000s");
        });
    }

    @Test
    void aNonIdempotentCallThatRanOnTwoProvidersBreaksRunOnce() throws IOException {
        StringBuilder h = history(policy(3, false, false));
        retriedOnce(h, 1, 0);
        assertThat(check(h, ran(3L), ran())).isEmpty(); // ran on b only: its first attempt was lost unrun
        List<Violation> twice = check(h, ran(2L), ran(3L));
        assertThat(twice).singleElement().satisfies(v -> {
            assertThat(v.rule()).isEqualTo(Rule.NON_IDEMPOTENT_RUN_ONCE);
            assertThat(v.message()).contains("call #1 S#m").contains("ran 2 times")
                    .contains("attempt 1 on p0 a:1").contains("attempt 2 on p1 b:1");
        });
    }

    @Test
    void aHedgedCallWhoseLosingAttemptNeverEndsBreaksHedgedEndsOnce() throws IOException {
        StringBuilder good = history(policy(2, true, true));
        start(good, 1, 0);
        attempt(good, 1, 1, 0);
        write(good, 1, 1, 1, "a:1", 1);
        attempt(good, 1, 2, 50);
        write(good, 1, 2, 51, "b:1", 2);
        attemptEnd(good, 1, 2, 60, null);
        end(good, 1, 60, null);
        StringBuilder bad = new StringBuilder(good);
        attemptEnd(good, 1, 1, 61, CANCELLED);
        assertThat(check(good)).isEmpty();
        assertThat(check(bad)).singleElement().satisfies(v -> {
            assertThat(v.rule()).isEqualTo(Rule.HEDGED_ENDS_ONCE);
            assertThat(v.message()).contains("call #1 S#m").contains("attempt 1 ended 0 times");
        });
    }

    @Test
    void retriesPastTheReplayedBudgetBreakRetryBudgetNamingTheFirstCallOverIt() throws IOException {
        // 10 tokens: every retried call takes one for its failed first attempt and gives back 0.1 for its answer.
        // Retries are allowed while more than 5 are left after the failure: calls 1 to 5 (9.0, 8.1, ..., 5.4 left
        // after their failures); call 6's failure leaves 4.5, so its retry is over the budget.
        StringBuilder h = history(policy(3, true, false));
        for (int seq = 1; seq <= 5; seq++) {
            retriedOnce(h, seq, seq * 100L);
        }
        assertThat(check(h)).isEmpty();
        retriedOnce(h, 6, 600);
        assertThat(check(h)).singleElement().satisfies(v -> {
            assertThat(v.rule()).isEqualTo(Rule.RETRY_BUDGET);
            assertThat(v.seq()).isEqualTo(6);
            assertThat(v.message()).contains("call #6: attempt 2 started at +0.610s")
                    .contains("held 4.500 of 10 tokens");
        });
    }

    @Test
    void aResendOfAnAttemptNeverWrittenNeedsNoBudget() throws IOException {
        StringBuilder h = history(policy(3, false, false));
        for (int seq = 1; seq <= 20; seq++) {
            start(h, seq, seq * 10L);
            attempt(h, seq, 1, seq * 10L);
            attemptEnd(h, seq, 1, seq * 10L + 1, LOST); // never written: it did not reach a provider
            attempt(h, seq, 2, seq * 10L + 2);
            write(h, seq, 2, seq * 10L + 3, "b:1", seq);
            attemptEnd(h, seq, 2, seq * 10L + 4, PROTOCOL);
            end(h, seq, seq * 10L + 4, PROTOCOL);
        }
        assertThat(check(h)).isEmpty();
    }
}
