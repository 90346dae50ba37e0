package dev.rpcharness.consumer.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rpcharness.consumer.ClientClosedException;
import dev.rpcharness.consumer.HelloService;
import dev.rpcharness.consumer.RpcFuture;
import dev.rpcharness.consumer.internal.call.RpcCall;
import dev.rpcharness.consumer.internal.codec.ResponseDecoder;
import dev.rpcharness.consumer.internal.proxy.MethodMetadata;
import dev.rpcharness.consumer.internal.proxy.ServiceMethods;
import dev.rpcharness.protocol.ProviderNode;
import dev.rpcharness.protocol.RpcJson;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * Calls sent to a connection whose event loop is gone (the client closes while callers still send): each one ends
 * at once with {@link ClientClosedException}, the first and every later one.
 */
class ClosedLoopSendTest {

    private final MethodMetadata hello = new ServiceMethods(HelloService.class, RpcJson.newMapper())
            .resolve("hello", new Object[] {"x"});

    private RpcCall call() {
        return new RpcCall(hello, new byte[] {'[', ']'}, new RpcFuture(Runnable::run, System.nanoTime()),
                TimeUnit.SECONDS.toNanos(10), TimeUnit.SECONDS.toNanos(60));
    }

    /** A listener for a connection that never connects: nothing is ever reported to it. */
    private static final class Unused implements ConnectionListener {
        @Override
        public void onStateChange(ProviderConnection connection, ConnectivityState state) {
        }

        @Override
        public void redispatch(RpcCall call) {
        }

        @Override
        public void callEnded(ProviderConnection connection, boolean providerFault) {
        }

        @Override
        public void writabilityChanged(ProviderConnection connection, boolean writable) {
        }

        @Override
        public boolean reroute(ProviderConnection from, RpcCall call) {
            return false;
        }

        @Override
        public boolean anyOtherWritable(ProviderConnection from) {
            return false;
        }

        @Override
        public boolean relocate(ProviderConnection from, RpcCall call) {
            return false;
        }
    }

    @Test
    void everyCallSentAfterTheEventLoopStoppedEndsWithClientClosed() throws Exception {
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        EventLoop loop = group.next();
        group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).syncUninterruptibly();
        Executor resolver = Runnable::run;
        ProviderConnection connection = new ProviderConnection(ProviderNode.ofAddress("127.0.0.1", 9),
                0, loop, new Bootstrap().group(group).channel(NioSocketChannel.class), new Unused(), resolver,
                new ResponseDecoder(RpcJson.newMapper()), 1 << 20, 1_000_000, 10_000_000, "closed-loop-test");
        for (int i = 0; i < 3; i++) {
            RpcCall call = call();
            connection.send(call);
            assertThat(call.future().isDone()).as("call %d ended at once", i).isTrue();
            Assertions.assertThatThrownBy(() -> call.future().get(0, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(ClientClosedException.class);
        }
    }
}
