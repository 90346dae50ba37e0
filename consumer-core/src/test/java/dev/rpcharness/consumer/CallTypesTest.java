package dev.rpcharness.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rpcharness.consumer.HelloService.Item;
import dev.rpcharness.consumer.HelloService.Point;
import dev.rpcharness.consumer.testing.WirePeer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Behaviour 1 and 2: every kind of value crosses the wire both ways, sync and async; proxies stay local. */
class CallTypesTest {

    private WirePeer peer;
    private ConsumerClient client;
    private HelloService hello;
    private AsyncObjectProxy async;

    @BeforeEach
    void start() {
        peer = new WirePeer(new HelloServiceImpl()).start();
        client = new ConsumerClient(peer.address());
        hello = client.create(HelloService.class);
        async = client.createAsync(HelloService.class);
    }

    @AfterEach
    void stop() {
        client.close();
        peer.close();
    }

    @Test
    void syncCallsCarryStringsPrimitivesPojosRecordsAndGenerics() {
        assertThat(hello.hello("world")).isEqualTo("Hello world");
        assertThat(hello.add(40, 2)).isEqualTo(42);
        assertThat(hello.flag(false)).isTrue();
        assertThat(hello.sum(List.of(1L, 2L, 3_000_000_000L))).isEqualTo(3_000_000_003L);
        assertThat(hello.item("apple", 3)).isEqualTo(new Item("apple", 3));
        assertThat(hello.mirror(new Point(1, 2))).isEqualTo(new Point(2, 1));
        List<Item> items = hello.items(3);
        assertThat(items).hasSize(3).allSatisfy(i -> assertThat(i).isInstanceOf(Item.class));
        assertThat(items.get(2)).isEqualTo(new Item("item-2", 2));
        Map<String, List<Point>> grid = hello.grid(2);
        assertThat(grid.get("row-1")).containsExactly(new Point(1, 0), new Point(1, 1));
    }

    @Test
    void requestFollowsTheWireContract() {
        java.util.concurrent.atomic.AtomicReference<WirePeer.Exchange> seen = new java.util.concurrent.atomic.AtomicReference<>();
        peer.script(exchange -> {
            seen.set(exchange);
            exchange.invoke();
        });
        assertThat(hello.item("pear", 2)).isEqualTo(new Item("pear", 2));
        WirePeer.Exchange exchange = seen.get();
        assertThat(exchange.request().requestId()).isEqualTo(exchange.id()).matches("\\d+");
        assertThat(exchange.request().className()).isEqualTo(HelloService.class.getName());
        assertThat(exchange.request().methodName()).isEqualTo("item");
        assertThat(exchange.request().parameterTypes()).containsExactly("java.lang.String", "int");
        assertThat(exchange.request().parameters().toString()).isEqualTo("[\"pear\",2]");
        assertThat(exchange.timeoutHeader()).isEqualTo("3000");
    }

    @Test
    void voidAndNullsRoundTrip() {
        hello.ping();
        assertThat(hello.maybeNull(null)).isNull();
        assertThat(hello.hello(null)).isEqualTo("Hello null");
        assertThat(peer.received()).isEqualTo(3);
    }

    @Test
    void asyncCallsReturnTheSameValues() throws Exception {
        RpcFuture items = async.call("items", 2);
        RpcFuture sum = async.call("add", 1, 2);
        RpcFuture none = async.call("ping");
        assertThat(items.get(5, TimeUnit.SECONDS)).isEqualTo(List.of(new Item("item-0", 0), new Item("item-1", 1)));
        assertThat(sum.get(5, TimeUnit.SECONDS)).isEqualTo(3);
        assertThat(none.get(5, TimeUnit.SECONDS)).isNull();
        assertThat(items.endNanos()).isGreaterThanOrEqualTo(items.startNanos());
        assertThat(items.providerAddress()).isEqualTo(peer.address());
        assertThat(client.pendingCalls()).isZero();
    }

    @Test
    void asyncCallBridgesToCompletableFuture() throws Exception {
        assertThat(async.call("hello", "cf").toCompletableFuture().get(5, TimeUnit.SECONDS)).isEqualTo("Hello cf");
    }

    @Test
    void defaultMethodsRunLocallyOnTopOfRemoteCalls() {
        assertThat(hello.greetTwice("x")).isEqualTo("Hello x / Hello x");
        assertThat(peer.received()).isEqualTo(2);
    }

    @Test
    void unknownAsyncMethodIsATypedErrorAtOnce() {
        assertThatThrownBy(() -> async.call("nope"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("HelloService").hasMessageContaining("nope");
    }

    @Test
    void equalsHashCodeAndToStringNeverTouchTheNetwork() {
        try (ConsumerClient nowhere = new ConsumerClient("127.0.0.1:1",
                ConsumerOptions.builder().providerWaitTimeout(Duration.ofSeconds(30)).build())) {
            HelloService proxy = nowhere.create(HelloService.class);
            HelloService other = nowhere.create(HelloService.class);
            assertThat(proxy.toString()).contains("HelloService");
            assertThat(proxy).isEqualTo(proxy).isNotEqualTo(other);
            assertThat(proxy.hashCode()).isEqualTo(proxy.hashCode());
            assertThat(nowhere.pendingCalls()).isZero();
        }
        assertThat(peer.received()).isZero();
    }
}
