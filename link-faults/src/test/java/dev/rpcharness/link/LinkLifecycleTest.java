package dev.rpcharness.link;

import static dev.rpcharness.link.TestLinks.connect;
import static dev.rpcharness.link.TestLinks.linkTo;
import static dev.rpcharness.link.TestLinks.roundTrip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/** A link's life: free port, disable and enable, scope of toxic changes, seeded toxicity, bad input. */
class LinkLifecycleTest {

    @Test
    void disableRefusesNewConnectionsAndClosesOpenOnesAndEnableListensAgainOnTheSamePort() throws Exception {
        try (LoopbackServer server = LoopbackServer.echo(); Link link = linkTo(server)) {
            int port = link.port();
            assertThat(port).isPositive();
            try (Socket open = connect(port)) {
                roundTrip(open);
                link.disable();
                assertThat(link.isEnabled()).isFalse();
                assertThat(open.getInputStream().read()).isEqualTo(-1);
            }
            assertThatThrownBy(() -> connect(port)).isInstanceOf(ConnectException.class);
            link.enable();
            assertThat(link.port()).isEqualTo(port);
            try (Socket again = connect(port)) {
                roundTrip(again);
            }
        }
    }

    /** NIO closes a listening socket only at the selector's next pass; disable() must wait for that pass. */
    @RepeatedTest(30)
    void aDisabledLinkRefusesAsSoonAsDisableReturns() throws Exception {
        try (LoopbackServer server = LoopbackServer.echo(); Link link = linkTo(server)) {
            int port = link.port();
            connect(port).close();
            link.disable();
            assertThatThrownBy(() -> connect(port).close()).isInstanceOf(ConnectException.class);
        }
    }

    @Test
    void manyLinksLiveSideBySideInOneJvm() throws Exception {
        try (LoopbackServer server = LoopbackServer.echo()) {
            List<Link> links = new ArrayList<>();
            try {
                for (int i = 0; i < 5; i++) {
                    links.add(Link.builder().name("l" + i).upstream("127.0.0.1", server.port()).build().start());
                }
                links.get(0).addToxic(Toxic.latency(LinkDirection.DOWNSTREAM, Duration.ofMillis(60), Duration.ZERO));
                for (Link l : links) {
                    try (Socket s = connect(l.port())) {
                        long millis = TimeUnit.NANOSECONDS.toMillis(roundTrip(s));
                        if (l == links.get(0)) {
                            assertThat(millis).isGreaterThanOrEqualTo(60);
                        }
                    }
                }
            } finally {
                links.forEach(Link::close);
            }
        }
    }

    @Test
    void aToxicAddedLaterReachesOpenConnectionsByDefault() throws Exception {
        try (LoopbackServer server = LoopbackServer.echo(); Link link = linkTo(server);
             Socket open = connect(link.port())) {
            roundTrip(open);
            link.addToxic(Toxic.latency(LinkDirection.DOWNSTREAM, Duration.ofMillis(80), Duration.ZERO));
            assertThat(TimeUnit.NANOSECONDS.toMillis(roundTrip(open))).isGreaterThanOrEqualTo(80);
        }
    }

    @Test
    void withScopeNewOnlyAToxicReachesOnlyConnectionsOpenedAfterIt() throws Exception {
        try (LoopbackServer server = LoopbackServer.echo();
             Link link = Link.builder().name("new-only").upstream("127.0.0.1", server.port())
                     .scope(ToxicScope.NEW_ONLY).build().start();
             Socket before = connect(link.port())) {
            roundTrip(before);
            link.addToxic(Toxic.timeout(LinkDirection.DOWNSTREAM, Duration.ZERO));
            roundTrip(before); // would hang (and time out after 20 s) if the toxic reached it
            try (Socket after = connect(link.port())) {
                after.setSoTimeout(300);
                after.getOutputStream().write(1);
                assertThatThrownBy(() -> after.getInputStream().read())
                        .isInstanceOf(java.net.SocketTimeoutException.class);
            }
        }
    }

    @Test
    void toxicityAffectsASeededShareOfConnectionsAndTheSameSeedPicksTheSameOnes() throws Exception {
        try (LoopbackServer server = LoopbackServer.echo()) {
            List<Boolean> first = affected(server, 11);
            assertThat(first).contains(true, false);
            assertThat(affected(server, 11)).isEqualTo(first);
        }
    }

    private static List<Boolean> affected(LoopbackServer server, long seed) throws Exception {
        List<Boolean> result = new ArrayList<>();
        try (Link link = Link.builder().name("seeded").upstream("127.0.0.1", server.port()).seed(seed).build()
                .start()) {
            // limit_data 0: an affected connection is closed at its first byte, an unaffected one echoes it.
            link.addToxic(new Toxic("half", ToxicType.LIMIT_DATA, LinkDirection.DOWNSTREAM, 0.5, Map.of()));
            for (int i = 0; i < 16; i++) {
                try (Socket s = connect(link.port())) {
                    s.getOutputStream().write(1);
                    result.add(s.getInputStream().read() < 0);
                }
                await().atMost(Duration.ofSeconds(5)).until(() -> link.openConnections() == 0);
            }
        }
        return result;
    }

    @Test
    void anUnreachableUpstreamClosesTheClientsConnection() throws Exception {
        int deadPort;
        try (ServerSocket s = new ServerSocket(0)) {
            deadPort = s.getLocalPort();
        }
        try (Link link = Link.builder().name("dead").upstream("127.0.0.1", deadPort).build().start();
             Socket s = connect(link.port())) {
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
    }

    @Test
    void aTakenPortIsATypedErrorNamingTheLinkAndTheAddress() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
             Link link = Link.builder().name("clash").listen("127.0.0.1", taken.getLocalPort())
                     .upstream("127.0.0.1", 1).build()) {
            assertThatThrownBy(link::start).isInstanceOf(LinkException.class)
                    .hasMessageContaining("clash").hasMessageContaining("127.0.0.1:" + taken.getLocalPort());
        }
    }

    @Test
    void badToxicsAreRejectedNamingTheToxicAndTheField() {
        assertThatThrownBy(() -> new Toxic("t", ToxicType.LATENCY, LinkDirection.UPSTREAM, 1.5, Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'t'").hasMessageContaining("1.5");
        assertThatThrownBy(() -> new Toxic("t", ToxicType.LATENCY, LinkDirection.UPSTREAM, 1, Map.of("rate", 1L)))
                .hasMessageContaining("no attribute 'rate'");
        assertThatThrownBy(() -> Toxic.limitData(LinkDirection.UPSTREAM, -1)).hasMessageContaining("bytes");
        assertThat(Toxic.bandwidth(LinkDirection.UPSTREAM, 5).name()).isEqualTo("bandwidth_upstream");
    }
}
