package dev.rpcharness.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.rpcharness.consumer.AsyncObjectProxy;
import dev.rpcharness.consumer.ConnectionLostException;
import dev.rpcharness.consumer.ConsumerClient;
import dev.rpcharness.consumer.ConsumerOptions;
import dev.rpcharness.consumer.RpcFuture;
import dev.rpcharness.consumer.RpcTimeoutException;
import dev.rpcharness.provider.FakeProvider;
import dev.rpcharness.provider.fault.Fault;
import dev.rpcharness.provider.fault.FaultPlan;
import dev.rpcharness.provider.fault.FaultRule;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The consumer core calling a fake provider through a link (direct mode, no ZooKeeper). */
class LinkThroughConsumerTest {

    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

    @Test
    void resetPeerWhileAnswersAreInFlightEndsThoseCallsAtOnceAndLaterCallsSucceed() throws Exception {
        try (FakeProvider provider = FakeProvider.builder().serve(Greeter.class, new Greeter.Impl()).build().start();
             Link link = Link.builder().name("p1").upstream(provider.host(), provider.port()).build().start();
             ConsumerClient client = new ConsumerClient("127.0.0.1:" + link.port(),
                     ConsumerOptions.builder().callTimeout(CALL_TIMEOUT).build())) {
            Greeter greeter = client.create(Greeter.class);
            await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                    .until(() -> greeter.hello("warm").equals("Hello warm"));

            provider.faultPlan(FaultPlan.of(FaultRule.forAll(Fault.latencyFixed(Duration.ofMillis(300)))));
            AsyncObjectProxy async = client.createAsync(Greeter.class);
            List<RpcFuture> inFlight = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                inFlight.add(async.call("hello", "n" + i));
            }
            long t0 = System.nanoTime();
            link.addToxic(Toxic.resetPeer(LinkDirection.DOWNSTREAM, Duration.ZERO)); // resets at the first answer
            for (RpcFuture f : inFlight) {
                assertThatThrownBy(() -> f.get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                        .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(ConnectionLostException.class);
            }
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("ended by the reset, not the deadline")
                    .isLessThan(CALL_TIMEOUT.dividedBy(2));
            assertThat(client.pendingCalls()).isZero();

            link.removeToxic("reset_peer_downstream");
            provider.faultPlan(FaultPlan.none());
            await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
                    .until(() -> greeter.hello("again").equals("Hello again"));
            for (int i = 0; i < 5; i++) {
                assertThat(greeter.hello("later" + i)).isEqualTo("Hello later" + i);
            }
        }
    }

    @Test
    void bandwidthPacesLargeAnswersAndEveryCallEndsOnceWithItsAnswer() throws Exception {
        try (FakeProvider provider = FakeProvider.builder().serve(Greeter.class, new Greeter.Impl()).build().start();
             Link link = Link.builder().name("p1").upstream(provider.host(), provider.port()).build().start();
             ConsumerClient client = new ConsumerClient("127.0.0.1:" + link.port(),
                     // The rate is per connection (as in Toxiproxy): one connection, one rate.
                     ConsumerOptions.builder().callTimeout(CALL_TIMEOUT).connectionsPerProvider(1).build())) {
            Greeter greeter = client.create(Greeter.class);
            await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                    .until(() -> greeter.hello("warm").equals("Hello warm"));
            link.addToxic(Toxic.bandwidth(LinkDirection.DOWNSTREAM, 300)); // 300 KB/s
            AsyncObjectProxy async = client.createAsync(Greeter.class);
            List<String> names = new ArrayList<>();
            List<RpcFuture> calls = new ArrayList<>();
            long t0 = System.nanoTime();
            for (int i = 0; i < 4; i++) {
                names.add(String.valueOf((char) ('a' + i)).repeat(150_000));
                calls.add(async.call("hello", names.get(i)));
            }
            for (int i = 0; i < calls.size(); i++) {
                assertThat(calls.get(i).get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                        .isEqualTo("Hello " + names.get(i));
            }
            // 600 KB of answers at 300 KB/s: the first tenth of a second goes at once, the rest takes 1.9 s.
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(1_800));
            assertThat(client.pendingCalls()).isZero();
        }
    }

    @Test
    void timeoutZeroOnTheLinkEndsCallsAtTheirDeadlineAndRemovingItLetsCallsThrough() throws Exception {
        Duration deadline = Duration.ofSeconds(1);
        try (FakeProvider provider = FakeProvider.builder().serve(Greeter.class, new Greeter.Impl()).build().start();
             Link link = Link.builder().name("p1").upstream(provider.host(), provider.port()).build().start();
             ConsumerClient client = new ConsumerClient("127.0.0.1:" + link.port(),
                     ConsumerOptions.builder().callTimeout(deadline).build())) {
            Greeter greeter = client.create(Greeter.class);
            await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                    .until(() -> greeter.hello("warm").equals("Hello warm"));
            link.addToxic(Toxic.timeout(LinkDirection.DOWNSTREAM, Duration.ZERO));
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> greeter.hello("held")).isInstanceOf(RpcTimeoutException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(deadline);
            link.removeToxic("timeout_downstream");
            await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                    .until(() -> greeter.hello("again").equals("Hello again"));
            assertThat(client.pendingCalls()).isZero();
        }
    }

    @Test
    void slicerOfOneToThreeBytesOnBothDirectionsDecodesEveryAnswer() throws Exception {
        try (FakeProvider provider = FakeProvider.builder().serve(Greeter.class, new Greeter.Impl()).build().start();
             Link link = Link.builder().name("p1").upstream(provider.host(), provider.port()).build().start();
             ConsumerClient client = new ConsumerClient("127.0.0.1:" + link.port(),
                     ConsumerOptions.builder().callTimeout(CALL_TIMEOUT).build())) {
            link.addToxic(Toxic.slicer(LinkDirection.UPSTREAM, 2, 1, 0));
            link.addToxic(Toxic.slicer(LinkDirection.DOWNSTREAM, 2, 1, 0));
            Greeter greeter = client.create(Greeter.class);
            for (int i = 0; i < 50; i++) {
                String name = "n" + i + "-" + "é".repeat(i);
                assertThat(greeter.hello(name)).isEqualTo("Hello " + name);
            }
        }
    }
}
