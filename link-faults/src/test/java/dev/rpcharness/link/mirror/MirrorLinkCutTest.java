package dev.rpcharness.link.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.rpcharness.consumer.ConsumerClient;
import dev.rpcharness.consumer.ConsumerOptions;
import dev.rpcharness.consumer.RpcTimeoutException;
import dev.rpcharness.consumer.ServiceDiscovery;
import dev.rpcharness.link.Greeter;
import dev.rpcharness.provider.FakeProvider;
import eu.rekawek.toxiproxy.Proxy;
import eu.rekawek.toxiproxy.ToxiproxyClient;
import eu.rekawek.toxiproxy.model.ToxicDirection;
import java.time.Duration;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;

/**
 * A stand-alone fleet gets link faults through the mirror's Toxiproxy-compatible API (docs/link-faults.md, "Link
 * faults on a stand-alone fleet"): a {@code timeout} toxic with timeout 0 on one stream is a one-way cut, removing
 * it (or {@code POST /reset}) heals. Real ZooKeeper (curator-test), a fake provider registered in it as a
 * stand-alone one registers, real sockets on loopback only.
 */
class MirrorLinkCutTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Duration CALL_TIMEOUT = Duration.ofMillis(500);

    @Test
    void aOneWayCutThroughTheToxiproxyApiEndsCallsAtTheirDeadlineAndAHealLetsThemThrough() throws Exception {
        try (TestingServer zk = new TestingServer(true);
             FakeProvider p1 = FakeProvider.builder().name("p1").registry(zk.getConnectString())
                     .serve(Greeter.class, new Greeter.Impl()).build().start();
             ProviderMirror mirror = new ProviderMirror(MirrorOptions.builder().zookeeper(zk.getConnectString())
                     .mirrorBasePath("/mirror").apiPort(0).ioThreads(1).build()).start();
             ConsumerClient client = new ConsumerClient(new ServiceDiscovery(zk.getConnectString(), "/mirror"),
                     ConsumerOptions.builder().callTimeout(CALL_TIMEOUT).build())) {
            await().atMost(WAIT).until(() -> client.connectedProviders().size() == 1);
            Greeter greeter = client.create(Greeter.class);
            assertThat(greeter.hello("a")).isEqualTo("Hello a");
            ToxiproxyClient toxiproxy = new ToxiproxyClient("127.0.0.1", mirror.apiPort());
            Proxy link = toxiproxy.getProxy(ProviderMirror.linkName(p1.address()));

            // Requests vanish: the call ends at its deadline and p1 never sees it.
            long receivedBefore = p1.stats().received();
            link.toxics().timeout("cut-requests", ToxicDirection.UPSTREAM, 0);
            assertThatThrownBy(() -> greeter.hello("b")).isInstanceOf(RpcTimeoutException.class);
            assertThat(p1.stats().received()).as("p1 received nothing while requests vanish")
                    .isEqualTo(receivedBefore);

            // Heal by removing the toxic: calls get through again (the held request arrives late, after its deadline).
            link.toxics().get("cut-requests").remove();
            assertThat(link.toxics().getAll()).isEmpty();
            await().atMost(WAIT).ignoreExceptions().until(() -> "Hello c".equals(greeter.hello("c")));

            // Answers vanish: p1 runs the call, the client never hears back.
            long answeredBefore = p1.stats().answered();
            link.toxics().timeout("cut-answers", ToxicDirection.DOWNSTREAM, 0);
            assertThatThrownBy(() -> greeter.hello("d")).isInstanceOf(RpcTimeoutException.class);
            await().atMost(WAIT).until(() -> p1.stats().answered() > answeredBefore);

            // Heal with POST /reset, as a Toxiproxy user would between tests.
            toxiproxy.reset();
            assertThat(link.toxics().getAll()).isEmpty();
            assertThat(mirror.linkOf(p1.address()).toxics()).isEmpty();
            await().atMost(WAIT).ignoreExceptions().until(() -> "Hello e".equals(greeter.hello("e")));
        }
    }
}
