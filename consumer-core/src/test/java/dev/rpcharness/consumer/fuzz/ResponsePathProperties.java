package dev.rpcharness.consumer.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rpcharness.consumer.ClientClosedException;
import dev.rpcharness.consumer.ConnectionLostException;
import dev.rpcharness.consumer.RemoteInvocationException;
import dev.rpcharness.consumer.RpcException;
import dev.rpcharness.consumer.RpcProtocolException;
import dev.rpcharness.consumer.RpcTimeoutException;
import dev.rpcharness.consumer.fuzz.Wire.Profile;
import dev.rpcharness.consumer.fuzz.WireCase.Ids;
import dev.rpcharness.consumer.fuzz.WireCase.Response;
import dev.rpcharness.consumer.testing.NettyLeakCheck;
import java.time.Duration;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Property-based tests of the consumer's response path (issue 7, "Fuzzed input"): a loopback {@code WirePeer}
 * answers real {@code ConsumerClient} calls with generated and mutated bytes (status lines, headers,
 * Content-Length against chunked, wrong lengths, duplicate headers, chunked and fixed bodies cut anywhere,
 * missing, wrong, duplicate, unknown and huge ids, valid and mutated JSON, wrong types, deep nesting, huge
 * numbers, type ids naming the {@link Gadget} canary), see {@link Wire} and {@link Json}. Each try has its own
 * peer and client (see {@link WireTrial}).
 *
 * <p>Every property checks that every call ends exactly once, with a result of its declared type or a typed
 * {@link RpcException} subclass, within {@link WireTrial#BOUND} (none hangs); that {@code pendingCalls()} drains
 * to 0; that the canary is never initialised (decoding binds only declared types); that a result reaches the call
 * its response names; and, after each property, that Netty's leak detector (PARANOID in tests) reported no
 * leaked buffer.
 *
 * <p>Size: {@code mvn verify} runs each property's {@code tries} (about 20 s in all). A long run:
 * <pre>
 * mvn -B -pl consumer-core -am verify -Dtest=ResponsePathProperties -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Drpc.fuzz.tries=100000 -Drpc.fuzz.seconds=100
 * </pre>
 * ({@link FuzzBudget}: tries per property, and seconds after which a property stops). jqwik prints each
 * property's tries and seed; a failure prints the shrunk case and its seed, and the next run of the property
 * replays the failing seed first (jqwik's database under {@code target/}). {@code -Djqwik.seeds.whenfixed} is
 * not needed: {@code @Property(seed = "...")} pins a seed while debugging.
 */
@AddLifecycleHook(FuzzBudget.class)
class ResponsePathProperties {

    private static final Duration LONG_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration SHORT_TIMEOUT = Duration.ofMillis(500);

    @BeforeContainer
    static void installLeakDetector() {
        // Loads the recording leak detector before any buffer class (jqwik may run before every Jupiter class)
        // and drops what earlier classes left, which their own check reported.
        NettyLeakCheck.collectLeaks();
    }

    @AfterProperty
    void noBufferLeaked() {
        List<String> leaks = NettyLeakCheck.collectLeaks();
        assertThat(leaks).as("Netty buffers leaked by the property's tries").isEmpty();
    }

    /**
     * Whatever the provider writes, when it then closes or resets the connection every call ends at once (never
     * by its 60 s timeout): with a result, the provider's error, a protocol error or connection lost.
     */
    @Property(tries = 100)
    void everyCallEndsAtOnceWhenTheConnectionEnds(@ForAll("ends") WireCase wireCase) throws Exception {
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
    @Property(tries = 40)
    void clientGetsBackToWorkWhileTheConnectionStaysOpen(@ForAll("staysOpen") WireCase wireCase) throws Exception {
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
    @Property(tries = 100)
    void wellFramedAnswersEndOnlyTheirOwnCall(@ForAll("wellFormed") WireCase wireCase) throws Exception {
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

    @Provide
    Arbitrary<WireCase> ends() {
        return Wire.cases(Profile.ENDS);
    }

    @Provide
    Arbitrary<WireCase> staysOpen() {
        return Wire.cases(Profile.STAYS_OPEN);
    }

    @Provide
    Arbitrary<WireCase> wellFormed() {
        return Wire.cases(Profile.WELL_FORMED);
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
