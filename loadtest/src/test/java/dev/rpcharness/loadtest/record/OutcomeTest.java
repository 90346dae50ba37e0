package dev.rpcharness.loadtest.record;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rpcharness.consumer.ClientClosedException;
import dev.rpcharness.consumer.ConnectionLostException;
import dev.rpcharness.consumer.NoProviderException;
import dev.rpcharness.consumer.RemoteInvocationException;
import dev.rpcharness.consumer.RpcException;
import dev.rpcharness.consumer.RpcProtocolException;
import dev.rpcharness.consumer.RpcTimeoutException;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;

class OutcomeTest {

    @Test
    void everyConsumerExceptionHasItsOwnOutcomeClass() {
        assertThat(Outcome.of(null)).isEqualTo(Outcome.OK);
        assertThat(Outcome.of(new RemoteInvocationException("x", "java.lang.IllegalStateException", "boom")))
                .isEqualTo(Outcome.REMOTE_ERROR);
        assertThat(Outcome.of(new RpcTimeoutException("x"))).isEqualTo(Outcome.TIMEOUT);
        assertThat(Outcome.of(new ConnectionLostException("x"))).isEqualTo(Outcome.CONNECTION_LOST);
        assertThat(Outcome.of(new NoProviderException("x"))).isEqualTo(Outcome.NO_PROVIDER);
        assertThat(Outcome.of(new RpcProtocolException("x"))).isEqualTo(Outcome.PROTOCOL_ERROR);
        assertThat(Outcome.of(new ClientClosedException("x"))).isEqualTo(Outcome.CLIENT_CLOSED);
        assertThat(Outcome.of(new RpcException("x"))).isEqualTo(Outcome.OTHER_ERROR);
        assertThat(Outcome.of(new CancellationException())).isEqualTo(Outcome.OTHER_ERROR);
    }

    @Test
    void labelsAreLowerCaseAndDashed() {
        assertThat(Outcome.NO_PROVIDER.label()).isEqualTo("no-provider");
        assertThat(Outcome.OK.label()).isEqualTo("ok");
    }
}
