package dev.rpcharness.consumer.internal.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rpcharness.consumer.ClientClosedException;
import dev.rpcharness.consumer.ConnectionLostException;
import dev.rpcharness.consumer.NoProviderException;
import dev.rpcharness.consumer.RemoteInvocationException;
import dev.rpcharness.consumer.RpcFuture;
import dev.rpcharness.consumer.RpcProtocolException;
import dev.rpcharness.consumer.RpcTimeoutException;
import dev.rpcharness.consumer.internal.call.RpcCall;
import dev.rpcharness.consumer.internal.proxy.MethodMetadata;
import dev.rpcharness.consumer.internal.proxy.ServiceMethods;
import dev.rpcharness.consumer.policy.CallPolicy;
import dev.rpcharness.consumer.policy.PolicyService;
import dev.rpcharness.consumer.policy.RetryOn;
import dev.rpcharness.protocol.RpcJson;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;

/** What a failed attempt allows: the rule that keeps a non-idempotent method from running twice. */
class AttemptFailureTest {

    private final MethodMetadata write = new ServiceMethods(PolicyService.class, RpcJson.newMapper())
            .resolve("write", new Object[] {"k"});
    private final CallPolicy notIdempotent = CallPolicy.builder().maxAttempts(3)
            .retryOn(RetryOn.values()).build();
    private final CallPolicy idempotent = notIdempotent.toBuilder().idempotent(true).build();

    private RpcCall attempt(boolean written) {
        RpcCall call = new RpcCall(write, new byte[0], new RpcFuture(Runnable::run, System.nanoTime()),
                1_000_000_000L, 1_000_000_000L);
        if (written) {
            call.sentTo("127.0.0.1:1");
        }
        return call;
    }

    @Test
    void aCallNeverWrittenMayAlwaysGoElsewhereEvenWhenNotIdempotent() {
        assertThat(AttemptFailure.of(attempt(false), new ConnectionLostException("lost before it was sent"),
                notIdempotent)).isEqualTo(AttemptFailure.NOT_SENT);
        assertThat(AttemptFailure.of(attempt(false), new RpcTimeoutException("timed out unsent"), notIdempotent))
                .isEqualTo(AttemptFailure.NOT_SENT);
    }

    @Test
    void aCallThatMayHaveReachedItsProviderIsRetriedOnlyWhenIdempotent() {
        for (Exception failure : new Exception[] {new ConnectionLostException("reset"),
                new RpcTimeoutException("late"), new RpcProtocolException("HTTP 503"),
                new RemoteInvocationException("threw", "x.Y", "m")}) {
            assertThat(AttemptFailure.of(attempt(true), failure, notIdempotent)).as(failure.toString())
                    .isEqualTo(AttemptFailure.FINAL);
            assertThat(AttemptFailure.of(attempt(true), failure, idempotent)).as(failure.toString())
                    .isEqualTo(AttemptFailure.RETRYABLE);
        }
        CallPolicy lostOnly = idempotent.toBuilder().retryOn(RetryOn.CONNECTION_LOST).build();
        assertThat(AttemptFailure.of(attempt(true), new RpcProtocolException("HTTP 503"), lostOnly))
                .isEqualTo(AttemptFailure.FINAL);
    }

    @Test
    void noProviderClientClosedAndCancelAreNeverRetried() {
        for (Exception failure : new Exception[] {new NoProviderException("none"),
                new ClientClosedException("closed"), new CancellationException("cancelled")}) {
            assertThat(AttemptFailure.of(attempt(false), failure, idempotent)).isEqualTo(AttemptFailure.FINAL);
        }
    }
}
