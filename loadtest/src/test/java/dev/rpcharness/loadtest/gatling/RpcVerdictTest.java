package dev.rpcharness.loadtest.gatling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rpcharness.consumer.RemoteInvocationException;
import dev.rpcharness.consumer.RpcTimeoutException;
import dev.rpcharness.loadtest.record.Outcome;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RpcVerdictTest {

    private static RpcResult ok(Object value) {
        return new RpcResult(Outcome.OK, value, null, null, 1_000_000L);
    }

    private static RpcResult remoteError() {
        return new RpcResult(Outcome.REMOTE_ERROR, null,
                new RemoteInvocationException("x", "java.lang.IllegalStateException", "boom"), "127.0.0.1:20881",
                2_000_000L);
    }

    @Test
    void failedCallIsKoNamingOutcomeRemoteTypeAndProviderButNoDuration() {
        RpcResult timeout = new RpcResult(Outcome.TIMEOUT, null, new RpcTimeoutException("t"), "127.0.0.1:1",
                1_000_000_000L);

        assertThat(RpcVerdict.judge(List.of(), timeout)).isEqualTo("timeout on 127.0.0.1:1");
        assertThat(RpcVerdict.judge(List.of(), remoteError()))
                .isEqualTo("remote-error: java.lang.IllegalStateException on 127.0.0.1:20881");
    }

    @Test
    void successfulCallIsOkUnlessACheckFails() {
        assertThat(RpcVerdict.judge(List.of(), ok("hi"))).isNull();
        assertThat(RpcVerdict.judge(List.of(RpcChecks.resultIs("hi")), ok("hi"))).isNull();
        assertThat(RpcVerdict.judge(List.of(RpcChecks.resultIs("hi")), ok("ho")))
                .isEqualTo("check-failed: result is not 'hi'");
        assertThat(RpcVerdict.judge(List.of(RpcChecks.latencyAtMost(Duration.ofNanos(10))), ok("hi")))
                .contains("took longer than");
    }

    @Test
    void anOutcomeCheckDecidesWhichFailuresPass() {
        RpcCheck remoteErrorsAreFine = RpcChecks.outcomeIn(Outcome.OK, Outcome.REMOTE_ERROR);

        assertThat(RpcVerdict.judge(List.of(remoteErrorsAreFine), remoteError())).isNull();
        assertThat(RpcVerdict.judge(List.of(RpcChecks.outcomeIn(Outcome.OK)), remoteError()))
                .startsWith("outcome remote-error not in");
    }

    @Test
    void aCheckThatThrowsMakesTheCallKo() {
        RpcCheck broken = r -> {
            throw new IllegalStateException("bug in check");
        };

        assertThat(RpcVerdict.judge(List.of(broken), ok("hi")))
                .isEqualTo("check-failed: check threw java.lang.IllegalStateException");
    }

    @Test
    void failedCheckMessagesNameTheKindOfFailureNeverTheValue() {
        RpcCheck even = RpcChecks.result(v -> ((Integer) v) % 2 == 0, "even");
        RpcCheck echoes = RpcChecks.resultMatches((args, v) -> v.equals(args.get(0)), "the argument");

        assertThat(RpcVerdict.judge(List.of(even), ok(1))).isEqualTo(RpcVerdict.judge(List.of(even), ok(3)))
                .isEqualTo("check-failed: result is not even");
        assertThat(RpcVerdict.judge(List.of(echoes), withArgs("a", "b")))
                .isEqualTo(RpcVerdict.judge(List.of(echoes), withArgs("c", "d")))
                .isEqualTo("check-failed: result does not match the arguments: not the argument");
        assertThat(RpcVerdict.judge(List.of(echoes), withArgs("a", "a"))).isNull();
    }

    @Test
    void aReturnedCallThatFailsACheckIsRecordedAsCheckFailedAndAFailedCallKeepsItsOutcome() {
        assertThat(RpcVerdict.recordedOutcome(Outcome.OK, "check-failed: x")).isEqualTo(Outcome.CHECK_FAILED);
        assertThat(RpcVerdict.recordedOutcome(Outcome.OK, null)).isEqualTo(Outcome.OK);
        assertThat(RpcVerdict.recordedOutcome(Outcome.TIMEOUT, "timeout on 127.0.0.1:1")).isEqualTo(Outcome.TIMEOUT);
        assertThat(Outcome.CHECK_FAILED.label()).isEqualTo("check-failed");
    }

    private static RpcResult withArgs(Object value, Object arg) {
        return new RpcResult(Outcome.OK, value, null, null, 1L, List.of(arg), null);
    }
}
