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
        assertThat(RpcVerdict.judge(List.of(RpcChecks.resultIs("hi")), ok("ho"))).isEqualTo("result 'ho' is not 'hi'");
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

        assertThat(RpcVerdict.judge(List.of(broken), ok("hi"))).startsWith("check threw");
    }
}
