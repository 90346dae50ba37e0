package dev.rpcharness.bench;

import io.grpc.CallOptions;
import io.grpc.Drainable;
import io.grpc.KnownLength;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a user would pick instead: gRPC-java unary calls over grpc-netty with a {@code byte[]} marshaller and
 * {@code directExecutor} on both sides, carrying the same request and answer bytes as the other stacks.
 *
 * <p>Threading: the server has one event loop ({@code grpc-server-*}), each client one
 * ({@code grpc-client-*}); completions run on the client's loop. {@link Server} closes the server.
 */
final class GrpcStack implements BenchStack {

    static final MethodDescriptor<byte[], byte[]> ECHO = MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(MethodDescriptor.generateFullMethodName("bench.Echo", "echo"))
            .setRequestMarshaller(new Bytes()).setResponseMarshaller(new Bytes()).build();

    private final EventLoopGroup group = BenchTransport.group("grpc-client", 1);
    private final List<ManagedChannel> channels = new ArrayList<>();
    private final AtomicInteger next = new AtomicInteger();
    private final byte[] request = BenchPayload.request(42);

    GrpcStack(int port, int channelCount) {
        for (int i = 0; i < channelCount; i++) {
            ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().directExecutor()
                    .eventLoopGroup(group).channelType(BenchTransport.socketChannel())
                    .withOption(ChannelOption.TCP_NODELAY, true).build();
            // Connect now, outside the measured time.
            ClientCalls.blockingUnaryCall(ch, ECHO, CallOptions.DEFAULT, request);
            channels.add(ch);
        }
    }

    @Override
    public void send(long intendedStartNanos, Completion done) {
        ManagedChannel ch = channels.get(Math.floorMod(next.getAndIncrement(), channels.size()));
        ClientCalls.asyncUnaryCall(ch.newCall(ECHO, CallOptions.DEFAULT), request, new StreamObserver<>() {
            @Override
            public void onNext(byte[] value) {
            }

            @Override
            public void onError(Throwable t) {
                done.done(intendedStartNanos, false);
            }

            @Override
            public void onCompleted() {
                done.done(intendedStartNanos, true);
            }
        });
    }

    @Override
    public void close() {
        for (ManagedChannel ch : channels) {
            ch.shutdownNow();
            try {
                ch.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        BenchTransport.shutdown(group);
    }

    /** The gRPC server answering every call with the contract's answer bytes; {@link #close} stops it. */
    static final class GrpcServer implements AutoCloseable {
        private final EventLoopGroup boss = BenchTransport.group("grpc-server-boss", 1);
        private final EventLoopGroup workers = BenchTransport.group("grpc-server", 1);
        private final Server server;

        GrpcServer() {
            byte[] answer = BenchPayload.answer("42");
            ServerServiceDefinition service = ServerServiceDefinition.builder("bench.Echo")
                    .addMethod(ECHO, ServerCalls.asyncUnaryCall((byte[] req, StreamObserver<byte[]> out) -> {
                        out.onNext(answer);
                        out.onCompleted();
                    })).build();
            try {
                server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).directExecutor()
                        .bossEventLoopGroup(boss).workerEventLoopGroup(workers)
                        .channelType(BenchTransport.serverChannel())
                        .withChildOption(ChannelOption.TCP_NODELAY, true).addService(service).build().start();
            } catch (IOException e) {
                throw new UncheckedIOException("gRPC server cannot start on loopback", e);
            }
        }

        int port() {
            return server.getPort();
        }

        @Override
        public void close() {
            server.shutdownNow();
            try {
                server.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            BenchTransport.shutdown(workers);
            BenchTransport.shutdown(boss);
        }
    }

    /** A byte stream gRPC can size and drain without copying through its own buffer. */
    private static final class KnownLengthBytes extends ByteArrayInputStream implements KnownLength, Drainable {
        KnownLengthBytes(byte[] bytes) {
            super(bytes);
        }

        @Override
        public int drainTo(OutputStream target) throws IOException {
            int n = count - pos;
            target.write(buf, pos, n);
            pos = count;
            return n;
        }
    }

    /** The byte[] marshaller: no protobuf, the bytes as they are. */
    private static final class Bytes implements MethodDescriptor.Marshaller<byte[]> {
        @Override
        public InputStream stream(byte[] value) {
            return new KnownLengthBytes(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                if (stream instanceof KnownLength) {
                    // gRPC's received messages know their length: one array of the right size, no 8 KiB buffer.
                    byte[] bytes = new byte[stream.available()];
                    int n = stream.readNBytes(bytes, 0, bytes.length);
                    return n == bytes.length ? bytes : java.util.Arrays.copyOf(bytes, n);
                }
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
