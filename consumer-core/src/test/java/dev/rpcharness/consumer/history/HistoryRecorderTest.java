package dev.rpcharness.consumer.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.rpcharness.consumer.AsyncObjectProxy;
import dev.rpcharness.consumer.ConnectionLostException;
import dev.rpcharness.consumer.ConsumerClient;
import dev.rpcharness.consumer.ConsumerOptions;
import dev.rpcharness.consumer.HelloService;
import dev.rpcharness.consumer.HelloServiceImpl;
import dev.rpcharness.consumer.OverloadException;
import dev.rpcharness.consumer.RemoteInvocationException;
import dev.rpcharness.consumer.RpcFuture;
import dev.rpcharness.consumer.testing.FrozenPeer;
import dev.rpcharness.consumer.testing.WirePeer;
import dev.rpcharness.run.CallRecord;
import dev.rpcharness.run.HistoryFile;
import dev.rpcharness.run.HistoryReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The consumer's call history: every call's start, write and one end, in a file read back call by call. */
class HistoryRecorderTest {

    @TempDir
    Path dir;

    /** Sends {@code calls} async hello calls at once and waits until each is answered. */
    private static void helloCallsAtOnce(ConsumerClient client, int calls) throws Exception {
        AsyncObjectProxy async = client.createAsync(HelloService.class);
        List<RpcFuture> futures = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            futures.add(async.call("hello", "n" + i));
        }
        for (RpcFuture f : futures) {
            f.get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void everyCallIsRecordedWithItsStartWriteAndOneEnd() throws Exception {
        Path file = dir.resolve("calls.jsonl");
        int calls = 300;
        try (WirePeer peer = new WirePeer(new HelloServiceImpl()).start();
             HistoryRecorder history = new HistoryRecorder(file, 3000, "test client")) {
            try (ConsumerClient client = new ConsumerClient(peer.address(),
                    ConsumerOptions.builder().connectionsPerProvider(1).callHistory(history).build())) {
                helloCallsAtOnce(client, calls);
                try {
                    client.create(HelloService.class).fail("boom");
                } catch (RemoteInvocationException expected) {
                    // recorded as an end with its error
                }
            }
            assertThat(history.flush(10, TimeUnit.SECONDS)).isTrue();
            HistoryFile read = HistoryFile.read(file);
            assertThat(read.callTimeoutMs()).isEqualTo(3000);
            assertThat(read.calls()).hasSize(calls + 1);
            for (CallRecord c : read.calls()) {
                assertThat(c.hasStart()).as(c.label()).isTrue();
                assertThat(c.writes()).as(c.label()).hasSize(1);
                assertThat(c.ends()).as(c.label()).hasSize(1);
                assertThat(c.firstWrite().provider()).isEqualTo(peer.address());
                assertThat(c.firstWrite().localPort()).isPositive();
                assertThat(c.firstWrite().requestId()).isPositive();
                assertThat(c.startNanos()).isLessThanOrEqualTo(c.firstWrite().nanos());
                assertThat(c.firstWrite().nanos()).isLessThanOrEqualTo(c.firstEnd().nanos());
            }
            assertThat(read.calls().get(0).method()).isEqualTo("HelloService#hello");
            CallRecord last = read.calls().get(calls);
            assertThat(last.method()).isEqualTo("HelloService#fail");
            assertThat(last.firstEnd().error()).isEqualTo(RemoteInvocationException.class.getName());
            assertThat(read.calls().stream().map(c -> c.firstWrite().requestId()).distinct()).hasSize(calls + 1);
        }
        HistoryFile closed = HistoryFile.read(file);
        assertThat(closed.closed()).isTrue();
        assertThat(closed.lost()).isZero();
    }

    @Test
    void theFileNamesTheClientsIdRandomOrGiven() throws Exception {
        try (WirePeer peer = new WirePeer(new HelloServiceImpl()).start()) {
            for (String given : new String[] {null, "replayed-3"}) {
                Path file = dir.resolve("client-" + given + ".jsonl");
                String sent;
                try (HistoryRecorder history = new HistoryRecorder(file, 3000, "test client");
                     ConsumerClient client = new ConsumerClient(peer.address(),
                             ConsumerOptions.builder().clientId(given).callHistory(history).build())) {
                    sent = client.clientId();
                    helloCallsAtOnce(client, 3);
                }
                assertThat(sent).matches(given == null ? "[0-9a-f]{16}" : given);
                HistoryFile read = HistoryFile.read(file);
                assertThat(read.clientId()).isEqualTo(sent);
                assertThat(read.calls()).hasSize(3);
            }
        }
    }

    @Test
    void aRejectedCallIsRecordedEndedWithoutAWrite() throws Exception {
        Path file = dir.resolve("overload.jsonl");
        try (FrozenPeer frozen = new FrozenPeer();
             HistoryRecorder history = new HistoryRecorder(file, 30_000, "test client");
             ConsumerClient client = new ConsumerClient(frozen.address(), ConsumerOptions.builder()
                     .callTimeout(Duration.ofSeconds(30)).maxCallsInFlight(2).callHistory(history).build())) {
            AsyncObjectProxy async = client.createAsync(HelloService.class);
            async.call("hello", "a");
            async.call("hello", "b");
            RpcFuture over = async.call("hello", "c");
            assertThat(over.failure()).isInstanceOf(OverloadException.class);
            assertThat(history.flush(10, TimeUnit.SECONDS)).isTrue();
            CallRecord third = HistoryFile.read(file).calls().get(2);
            assertThat(third.seq()).isEqualTo(3);
            assertThat(third.writes()).isEmpty();
            assertThat(third.ends()).singleElement()
                    .extracting(CallRecord.End::error).isEqualTo(OverloadException.class.getName());
        }
    }

    @Test
    void aFullQueueCountsWhatItDropsInsteadOfBlockingForever() throws Exception {
        Path file = dir.resolve("tiny.jsonl");
        HistoryRecorder history = new HistoryRecorder(file, 1000, "tiny", 1);
        for (int i = 1; i <= 500; i++) {
            history.started(i, "X#y", System.nanoTime());
        }
        history.close();
        HistoryFile read = HistoryFile.read(file);
        assertThat(read.closed()).isTrue();
        assertThat(read.calls().size() + read.lost()).isEqualTo(500);
    }

    @Test
    void afterAWriteFailureEveryEventIsDroppedAndCountedWithoutWaiting() {
        Path full = Path.of("/dev/full");
        Assumptions.assumeTrue(Files.isWritable(full), "needs /dev/full (a device whose writes fail: disk full)");
        HistoryRecorder history = new HistoryRecorder(full, 1000, "full disk", 4);
        history.started(1, "X#y", System.nanoTime());
        assertThat(history.flush(10, TimeUnit.SECONDS)).as("the first flush fails").isFalse();
        await().atMost(Duration.ofSeconds(10)).until(history::failed);
        int events = 1_000;
        // A bound on blocking, not on speed: with each event waiting 500 ms for a dead writer this took 500 s.
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            for (int i = 2; i <= events + 1; i++) {
                history.started(i, "X#y", System.nanoTime());
            }
        });
        assertThat(history.lost()).isGreaterThanOrEqualTo(events);
        assertThatThrownBy(history::close).isInstanceOf(UncheckedIOException.class).hasMessageContaining("/dev/full");
    }

    @Test
    void aRecordingClientSendsEachCallsNumberAndAPlainClientSendsNone() throws Exception {
        Path file = dir.resolve("seq.jsonl");
        int calls = 50;
        java.util.Map<String, String> seqById = new java.util.concurrent.ConcurrentHashMap<>();
        try (WirePeer peer = new WirePeer(new HelloServiceImpl()).start();
             HistoryRecorder history = new HistoryRecorder(file, 3000, "test client")) {
            peer.script(x -> {
                seqById.put(x.id(), String.valueOf(x.callSeqHeader()));
                x.invoke();
            });
            try (ConsumerClient client = new ConsumerClient(peer.address(),
                    ConsumerOptions.builder().connectionsPerProvider(1).callHistory(history).build())) {
                helloCallsAtOnce(client, calls);
            }
            assertThat(history.flush(10, TimeUnit.SECONDS)).isTrue();
            HistoryFile read = HistoryFile.read(file);
            assertThat(read.calls()).hasSize(calls);
            for (CallRecord c : read.calls()) {
                assertThat(seqById.get(Long.toString(c.firstWrite().requestId()))).as(c.label())
                        .isEqualTo(Long.toString(c.seq()));
            }
            seqById.clear();
            try (ConsumerClient plain = new ConsumerClient(peer.address(),
                    ConsumerOptions.builder().connectionsPerProvider(1).build())) {
                for (int i = 0; i < 5; i++) {
                    plain.create(HelloService.class).hello("p" + i);
                }
            }
            assertThat(seqById).hasSize(5).allSatisfy((id, seq) -> assertThat(seq).isEqualTo("null"));
        }
    }

    @Test
    void attemptPolicyAndBudgetLinesAreWrittenAndReadBackInOrder() throws Exception {
        Path file = dir.resolve("attempts.jsonl");
        try (HistoryRecorder history = new HistoryRecorder(file, 1000, "attempts")) {
            history.client("c1");
            history.retryBudget(10, 0.1);
            history.policy("S#m", 3, true, false);
            history.started(1, "S#m", 100);
            history.attemptStarted(1, 1, 101);
            history.written(1, 1, "h:1", 5000, 7, 102);
            history.attemptEnded(1, 1, 103, new ConnectionLostException("lost"));
            history.attemptStarted(1, 2, 104);
            history.written(1, 2, "h:2", 5001, 1, 105);
            history.attemptEnded(1, 2, 106, null);
            history.ended(1, 106, null);
        }
        List<String> lines = Files.readAllLines(file);
        assertThat(lines.subList(2, 4)).containsExactly("{\"e\":\"budget\",\"maxTokens\":10,\"tokenRatio\":0.1}",
                "{\"e\":\"policy\",\"method\":\"S#m\",\"maxAttempts\":3,\"idempotent\":true,\"hedged\":false}");
        assertThat(lines).contains("{\"e\":\"write\",\"seq\":1,\"t\":105,\"provider\":\"h:2\",\"port\":5001,\"id\":1,"
                + "\"attempt\":2}");
        CallRecord call = HistoryFile.read(file).calls().get(0);
        assertThat(call.writes()).extracting(CallRecord.Write::attempt).containsExactly(1, 2);
        assertThat(call.attempts()).containsExactly(new CallRecord.AttemptEvent(1, 101, false, null),
                new CallRecord.AttemptEvent(1, 103, true, "dev.rpcharness.consumer.ConnectionLostException"),
                new CallRecord.AttemptEvent(2, 104, false, null), new CallRecord.AttemptEvent(2, 106, true, null));
        List<String> read = new ArrayList<>();
        HistoryReader.read(file, new HistoryReader.Handler() {
            @Override
            public void budget(int maxTokens, double tokenRatio) {
                read.add("budget " + maxTokens + " " + tokenRatio);
            }

            @Override
            public void policy(String method, int maxAttempts, boolean idempotent, boolean hedged) {
                read.add("policy " + method + " " + maxAttempts + " " + idempotent + " " + hedged);
            }

            @Override
            public void start(long seq, long nanos, String method) {
            }

            @Override
            public void write(long seq, long nanos, String provider, int port, long requestId) {
            }

            @Override
            public void end(long seq, long nanos, String error) {
            }
        });
        assertThat(read).containsExactly("budget 10 0.1", "policy S#m 3 true false");
    }
}
