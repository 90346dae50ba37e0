package dev.rpcharness.consumer.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.rpcharness.consumer.ClientClosedException;
import dev.rpcharness.consumer.ConnectionLostException;
import dev.rpcharness.consumer.RemoteInvocationException;
import dev.rpcharness.consumer.RpcException;
import dev.rpcharness.consumer.RpcProtocolException;
import dev.rpcharness.consumer.RpcTimeoutException;
import dev.rpcharness.consumer.fuzz.Wire.Profile;
import dev.rpcharness.consumer.fuzz.WireCase.Ids;
import dev.rpcharness.consumer.fuzz.WireCase.Response;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Fuzz tests of the consumer's response path (issue 7, "Fuzzed input"): a loopback {@code WirePeer} answers real
 * {@code ConsumerClient} calls with generated and mutated bytes (status lines, headers, Content-Length against
 * chunked, wrong lengths, duplicate headers, chunked and fixed bodies cut anywhere, missing, wrong, duplicate,
 * unknown and huge ids, valid and mutated JSON, wrong types, deep nesting, huge numbers, type ids naming the
 * {@link Gadget} canary), see {@link Wire} and {@link Json}. Each case has its own peer and client (see
 * {@link WireTrial}).
 *
 * <p>Every property checks that every call ends exactly once, with a result of its declared type or a typed
 * {@link RpcException} subclass, within {@link WireTrial#BOUND} (none hangs); that {@code pendingCalls()} drains
 * to 0; that the canary is never initialised (decoding binds only declared types); that a result reaches the call
 * its response names; and, after the tries, that Netty's leak detector (PARANOID in tests) reported no leaked
 * buffer.
 *
 * <p>Each property runs two ways, on the same generators: as a Jazzer {@code @FuzzTest}, whose input steers
 * every choice (in {@code mvn verify} it replays the committed inputs under
 * {@code src/test/resources/dev/rpcharness/consumer/fuzz/ResponsePathFuzzTestInputs/}; with
 * {@code JAZZER_FUZZ=1} it fuzzes, coverage-guided), and as a seeded sweep of dynamic tests ({@link FuzzSweep}:
 * the default tries, {@code -Drpc.fuzz.tries/seconds/seed}). Commands in docs/fuzzing.md.
 */
class ResponsePathFuzzTest {

    private static final Duration LONG_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration SHORT_TIMEOUT = Duration.ofMillis(500);

    private static final Gen<WireCase> ENDS = Wire.cases(Profile.ENDS);
    private static final Gen<WireCase> STAYS_OPEN = Wire.cases(Profile.STAYS_OPEN);
    private static final Gen<WireCase> WELL_FORMED = Wire.cases(Profile.WELL_FORMED);

    @FuzzTest(maxDuration = "2m")
    void everyCallEndsAtOnceWhenTheConnectionEnds(FuzzedDataProvider data) throws Exception {
        FuzzSweep.check(ENDS.next(Draw.of(data)), ResponsePathFuzzTest::connectionEnds, "this fuzzer input");
    }

    @FuzzTest(maxDuration = "2m")
    void clientGetsBackToWorkWhileTheConnectionStaysOpen(FuzzedDataProvider data) throws Exception {
        FuzzSweep.check(STAYS_OPEN.next(Draw.of(data)), ResponsePathFuzzTest::staysOpen, "this fuzzer input");
    }

    @FuzzTest(maxDuration = "2m")
    void wellFramedAnswersEndOnlyTheirOwnCall(FuzzedDataProvider data) throws Exception {
        FuzzSweep.check(WELL_FORMED.next(Draw.of(data)), ResponsePathFuzzTest::wellFramed, "this fuzzer input");
    }

    @TestFactory
    Stream<DynamicTest> seededEveryCallEndsAtOnceWhenTheConnectionEnds() {
        return FuzzSweep.tries("everyCallEndsAtOnceWhenTheConnectionEnds", 100, ENDS,
                ResponsePathFuzzTest::connectionEnds);
    }

    @TestFactory
    Stream<DynamicTest> seededClientGetsBackToWorkWhileTheConnectionStaysOpen() {
        return FuzzSweep.tries("clientGetsBackToWorkWhileTheConnectionStaysOpen", 40, STAYS_OPEN,
                ResponsePathFuzzTest::staysOpen);
    }

    @TestFactory
    Stream<DynamicTest> seededWellFramedAnswersEndOnlyTheirOwnCall() {
        return FuzzSweep.tries("wellFramedAnswersEndOnlyTheirOwnCall", 100, WELL_FORMED,
                ResponsePathFuzzTest::wellFramed);
    }

    /**
     * Whatever the provider writes, when it then closes or resets the connection every call ends at once (never
     * by its 60 s timeout): with a result, the provider's error, a protocol error or connection lost.
     */
    private static void connectionEnds(WireCase wireCase) throws Exception {
        try (WireTrial trial = new WireTrial(LONG_TIMEOUT)) {
            List<CallRecord> calls = trial.run(wireCase);
            for (CallRecord call : calls) {
                assertEndedOnceAsDeclared(call);
                if (call.error() != null) {
                    assertThat(call.error()).as("%s", call).isNotInstanceOf(RpcTimeoutException.class);
                }
            }
            assertResultsReachTheirOwnCalls(wireCase, calls, trial);
            trial.awaitNothingPending();
        }
    }

    /**
     * Whatever the provider writes on a connection it keeps open, every call ends (at its 500 ms timeout at
     * worst), and the client gets back to work: a plain call succeeds soon after, on that connection or a new one.
     */
    private static void staysOpen(WireCase wireCase) throws Exception {
        try (WireTrial trial = new WireTrial(SHORT_TIMEOUT)) {
            List<CallRecord> calls = trial.run(wireCase);
            for (CallRecord call : calls) {
                assertEndedOnceAsDeclared(call);
            }
            assertResultsReachTheirOwnCalls(wireCase, calls, trial);
            trial.awaitWorking();
            trial.awaitNothingPending();
        }
    }

    /**
     * Exactly framed responses that name their own call and carry valid JSON of any shape and any value (wrong
     * types, huge numbers, deep nesting within the parser's limits, type ids): each ends its own call only, with
     * its result, the provider's error, or a protocol error for that call; the connection stays up.
     */
    private static void wellFramed(WireCase wireCase) throws Exception {
        try (WireTrial trial = new WireTrial(LONG_TIMEOUT)) {
            List<CallRecord> calls = trial.run(wireCase);
            for (CallRecord call : calls) {
                assertEndedOnceAsDeclared(call);
                if (call.error() != null) {
                    assertThat(call.error()).as("%s", call)
                            .isInstanceOfAny(RemoteInvocationException.class, RpcProtocolException.class)
                            .hasMessageNotContaining("connection closed");
                }
            }
            assertResultsReachTheirOwnCalls(wireCase, calls, trial);
            trial.awaitNothingPending();
            assertThat(trial.peer().connectionsAccepted()).as("connections the client opened").isEqualTo(1);
        }
    }

    /** Ended exactly once; a result of the declared type, or a typed error other than "client closed". */
    private static void assertEndedOnceAsDeclared(CallRecord call) {
        assertThat(call.ends()).as("times %s ended", call).isEqualTo(1);
        assertThat(GadgetTrap.gadgetTouches()).as("Gadget initialised or instantiated").isZero();
        if (call.error() != null) {
            assertThat(call.error()).as("%s", call).isInstanceOf(RpcException.class)
                    .isNotExactlyInstanceOf(RpcException.class)
                    .isNotInstanceOf(ClientClosedException.class)
                    .hasMessageContaining("FuzzService#" + call.method.javaName);
            if (call.error() instanceof ConnectionLostException || call.error() instanceof RpcProtocolException) {
                assertThat(call.error()).hasMessageContaining("127.0.0.1:");
            }
            return;
        }
        Object value = call.value();
        if (value == null) {
            assertThat(call.method.nullable()).as("%s: null for a primitive result", call).isTrue();
            return;
        }
        assertThat(value).as("%s", call).isInstanceOf(call.method.resultType);
        if (call.method == FuzzMethod.PAIRS) {
            assertThat((List<?>) value).as("%s", call).allMatch(p -> p == null || p instanceof FuzzService.Pair);
        }
    }

    /**
     * A text result that is the token of an exactly framed, unmutated response went to the call whose id that
     * response names (header first, body as fallback), never to another call.
     */
    private static void assertResultsReachTheirOwnCalls(WireCase wireCase, List<CallRecord> calls,
                                                        WireTrial trial) {
        if (!wireCase.cleanlyFramed()) {
            return;
        }
        Ids ids = trial.lastIds();
        for (CallRecord call : calls) {
            int piece = WireCase.tokenIndex(call.value());
            if (piece < 0 || piece >= wireCase.pieces().size()) {
                continue;
            }
            Response response = (Response) wireCase.pieces().get(piece);
            if (response.mutation().kind() != WireCase.Mutation.Kind.NONE) {
                continue;
            }
            assertThat(response.effectiveId(ids)).as("%s got the result of piece %d", call, piece)
                    .isEqualTo(Long.parseLong(ids.byCall()[call.index]));
        }
    }
}
