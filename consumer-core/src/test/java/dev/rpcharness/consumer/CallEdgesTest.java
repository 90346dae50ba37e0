package dev.rpcharness.consumer;

import static dev.rpcharness.consumer.NoProviderTest.waitFor;
import static dev.rpcharness.consumer.testing.TestPorts.freePort;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.rpcharness.consumer.testing.Registrar;
import dev.rpcharness.consumer.testing.WirePeer;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;

/** The edges of a call where it must still end exactly once: issue 7, observations 1 to 5 and 7. */
class CallEdgesTest {

    /** A super-interface whose method the proxied interface inherits. */
    interface Base {
        String base(String text);
    }

    interface Derived extends Base {
        String own(String text);
    }

    public static final class DerivedImpl implements Derived {
        @Override
        public String base(String text) {
            return "base " + text;
        }

        @Override
        public String own(String text) {
            return "own " + text;
        }
    }

    /** A result type whose class initializer throws: decoding its result throws an Error. */
    public static final class Poison {
        static {
            if (Boolean.parseBoolean("true")) {
                throw new IllegalStateException("poisoned initializer");
            }
        }

        public int a;
    }

    interface PoisonService {
        Poison poison();

        String fine(String text);
    }

    @Test
    void inheritedMethodIsACallOfTheProxiedInterfaceAndRoutedByIt() throws Exception {
        try (TestingServer zk = new TestingServer(true);
             Registrar registrar = new Registrar(zk.getConnectString());
             WirePeer peer = new WirePeer(new DerivedImpl()).start()) {
            List<String> classNames = new CopyOnWriteArrayList<>();
            peer.script(exchange -> {
                classNames.add(exchange.request().className());
                exchange.invoke();
            });
            registrar.register(peer, Derived.class);
            try (ConsumerClient client = new ConsumerClient(new ServiceDiscovery(zk.getConnectString()),
                    waitFor(Duration.ofSeconds(10)))) {
                Derived derived = client.create(Derived.class);
                assertThat(derived.base("sync")).isEqualTo("base sync");
                assertThat(client.createAsync(Derived.class).call("base", "async").get(10, TimeUnit.SECONDS))
                        .isEqualTo("base async");
                assertThat(derived.own("x")).isEqualTo("own x");
            }
            assertThat(classNames).containsOnly(Derived.class.getName());
        }
    }

    @Test
    void hostNamesAreResolvedAndUnresolvableOnesDoNotStopTheOthers() throws Exception {
        try (WirePeer peer = new WirePeer(new HelloServiceImpl()).start();
             ConsumerClient client = new ConsumerClient("no-such-host.invalid:1,localhost:" + peer.port(),
                     waitFor(Duration.ofSeconds(10)))) {
            HelloService hello = client.create(HelloService.class);
            for (int i = 0; i < 5; i++) {
                assertThat(hello.hello("named " + i)).isEqualTo("Hello named " + i);
            }
            assertThat(client.connectedProviders()).containsExactly("localhost:" + peer.port());
        }
    }

    @Test
    void interruptedSyncCallerEndsItsCallAndLeavesNothingPending() throws Exception {
        try (ConsumerClient client = new ConsumerClient("127.0.0.1:" + freePort(), waitFor(Duration.ofSeconds(60)))) {
            HelloService hello = client.create(HelloService.class);
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            Thread caller = new Thread(() -> {
                try {
                    hello.hello("waits");
                } catch (Throwable t) {
                    thrown.set(t);
                }
            }, "interrupted-caller");
            caller.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> client.pendingCalls() == 1);
            caller.interrupt();
            caller.join(10_000);
            assertThat(caller.isAlive()).isFalse();
            assertThat(thrown.get()).isInstanceOf(RpcException.class).hasMessageContaining("interrupted");
            await().atMost(Duration.ofSeconds(5)).until(() -> client.pendingCalls() == 0);
        }
    }

    @Test
    void parkedAsyncCallIsWokenWhenAProviderNodeStartsListingItsInterface() throws Exception {
        try (TestingServer zk = new TestingServer(true);
             Registrar registrar = new Registrar(zk.getConnectString());
             WirePeer peer = new WirePeer(new HelloServiceImpl()).start()) {
            registrar.register(peer, DiscoveryTest.OtherService.class);
            try (ConsumerClient client = new ConsumerClient(new ServiceDiscovery(zk.getConnectString()),
                    waitFor(Duration.ofSeconds(30)))) {
                await().atMost(Duration.ofSeconds(10)).until(() -> client.connectedProviders().size() == 1);
                RpcFuture parked = client.createAsync(HelloService.class).call("hello", "parked");
                CompletableFuture<String> sync = CompletableFuture.supplyAsync(
                        () -> client.create(HelloService.class).hello("sync"));
                assertThat(parked.isDone()).isFalse();
                registrar.register(peer, DiscoveryTest.OtherService.class, HelloService.class);
                assertThat(parked.get(10, TimeUnit.SECONDS)).isEqualTo("Hello parked");
                assertThat(sync.get(10, TimeUnit.SECONDS)).isEqualTo("Hello sync");
            }
        }
    }

    @Test
    void nodeListingNoServicesServesNoInterface() throws Exception {
        try (TestingServer zk = new TestingServer(true);
             Registrar registrar = new Registrar(zk.getConnectString());
             WirePeer peer = new WirePeer(new HelloServiceImpl()).start()) {
            registrar.register(peer);
            try (ConsumerClient client = new ConsumerClient(new ServiceDiscovery(zk.getConnectString()),
                    waitFor(Duration.ofMillis(500)))) {
                assertThatThrownBy(() -> client.create(HelloService.class).hello("x"))
                        .isInstanceOf(NoProviderException.class);
                assertThat(peer.received()).isZero();
            }
        }
    }

    @Test
    void closingWithTwoThousandCallsInFlightRunsEveryCallbackOnce() throws Exception {
        int calls = 2_000;
        AtomicInteger ran = new AtomicInteger();
        AtomicInteger ranTwice = new AtomicInteger();
        try (WirePeer peer = new WirePeer(new HelloServiceImpl()).start()) {
            peer.script(exchange -> { });
            ConsumerClient client = new ConsumerClient(peer.address(),
                    ConsumerOptions.builder().callTimeout(Duration.ofSeconds(60)).build());
            String id = client.toString().substring("ConsumerClient@".length(), client.toString().indexOf('['));
            AsyncObjectProxy async = client.createAsync(HelloService.class);
            RpcFuture last = null;
            for (int i = 0; i < calls; i++) {
                boolean[] once = new boolean[1];
                last = async.call("hello", "n" + i).addCallback(new AsyncRpcCallback() {
                    @Override
                    public void success(Object result) {
                        count();
                    }

                    @Override
                    public void fail(Exception e) {
                        count();
                    }

                    private void count() {
                        synchronized (once) {
                            if (once[0]) {
                                ranTwice.incrementAndGet();
                            }
                            once[0] = true;
                        }
                        try {
                            Thread.sleep(1); // a callback that takes a little time, as real ones do
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        ran.incrementAndGet();
                    }
                });
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> peer.received() == calls);
            client.close();
            await().atMost(Duration.ofSeconds(30)).until(() -> ran.get() == calls);
            assertThat(ranTwice.get()).isZero();

            CompletableFuture<Exception> late = new CompletableFuture<>();
            last.addCallback(new AsyncRpcCallback() {
                @Override
                public void success(Object result) {
                    late.complete(null);
                }

                @Override
                public void fail(Exception e) {
                    late.complete(e);
                }
            });
            assertThat(late.get(5, TimeUnit.SECONDS)).isInstanceOf(ClientClosedException.class);
            RpcFuture afterClose = async.call("hello", "closed");
            CompletableFuture<Exception> afterCloseCallback = new CompletableFuture<>();
            afterClose.addCallback(new AsyncRpcCallback() {
                @Override
                public void success(Object result) {
                    afterCloseCallback.complete(null);
                }

                @Override
                public void fail(Exception e) {
                    afterCloseCallback.complete(e);
                }
            });
            assertThat(afterCloseCallback.get(5, TimeUnit.SECONDS)).isInstanceOf(ClientClosedException.class);
            await().atMost(Duration.ofSeconds(5)).until(() -> Thread.getAllStackTraces().keySet().stream()
                    .noneMatch(t -> t.getName().contains(id) && t.isAlive()));
        }
    }

    @Test
    void syncCallFailureIsThrownOnTheCallersThreadWithTheIoSideErrorAsCause() throws Exception {
        try (WirePeer peer = new WirePeer(new HelloServiceImpl()).start();
             ConsumerClient client = new ConsumerClient(peer.address())) {
            HelloService hello = client.create(HelloService.class);
            RemoteInvocationException thrown = null;
            try {
                hello.fail("boom");
            } catch (RemoteInvocationException e) {
                thrown = e;
            }
            assertThat(thrown).isNotNull().hasMessageContaining("boom");
            assertThat(thrown.remoteType()).isEqualTo(IllegalStateException.class.getName());
            assertThat(Arrays.stream(thrown.getStackTrace()))
                    .anyMatch(frame -> frame.getMethodName().equals("syncCallFailureIsThrownOnTheCallersThreadWithTheIoSideErrorAsCause"));
            assertThat(thrown.getCause()).isInstanceOf(RemoteInvocationException.class);
        }
    }

    @Test
    void errorWhileDecodingAResultEndsThatCallAndSparesTheOthers() throws Exception {
        try (WirePeer peer = new WirePeer(new Object()).start();
             ConsumerClient client = new ConsumerClient(peer.address())) {
            peer.script(exchange -> {
                String id = exchange.id();
                String body = exchange.method().equals("poison")
                        ? "{\"requestId\":\"" + id + "\",\"result\":{\"a\":1}}"
                        : "{\"requestId\":\"" + id + "\",\"result\":\"fine\"}";
                exchange.json(HttpResponseStatus.OK, id, body.getBytes(StandardCharsets.UTF_8));
            });
            AsyncObjectProxy async = client.createAsync(PoisonService.class);
            RpcFuture poisoned = async.call("poison");
            assertThatThrownBy(() -> poisoned.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(RpcException.class).hasMessageContaining("PoisonService#poison");
            assertThat(async.call("fine", "x").get(5, TimeUnit.SECONDS)).isEqualTo("fine");
            assertThat(client.pendingCalls()).isZero();
        }
    }
}
