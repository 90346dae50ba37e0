package dev.rpcharness.link;

import static dev.rpcharness.link.TestLinks.connect;
import static dev.rpcharness.link.TestLinks.linkTo;
import static dev.rpcharness.link.TestLinks.randomBytes;
import static dev.rpcharness.link.TestLinks.roundTrip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Each toxic on real loopback sockets: a blocking server behind a link, a blocking client in front of it. */
class LinkToxicsTest {

    @Test
    void downstreamLatencyAddsAtLeastItsDelayThroughTheLinkAndNothingToADirectConnection() throws Exception {
        try (LoopbackServer server = LoopbackServer.echo(); Link link = linkTo(server);
             Socket viaLink = connect(link.port()); Socket direct = connect(server.port())) {
            roundTrip(viaLink);
            link.addToxic(Toxic.latency(LinkDirection.DOWNSTREAM, Duration.ofMillis(50), Duration.ZERO));
            long fastestDirect = Long.MAX_VALUE;
            for (int i = 0; i < 5; i++) {
                assertThat(TimeUnit.NANOSECONDS.toMillis(roundTrip(viaLink))).isGreaterThanOrEqualTo(50);
                fastestDirect = Math.min(fastestDirect, roundTrip(direct));
            }
            assertThat(TimeUnit.NANOSECONDS.toMillis(fastestDirect)).isLessThan(50);
        }
    }

    @Test
    void bandwidthLimitsTheRateOfALargeAnswer() throws Exception {
        byte[] answer = randomBytes(300_000, 1);
        try (LoopbackServer server = LoopbackServer.sending(answer); Link link = linkTo(server)) {
            link.addToxic(Toxic.bandwidth(LinkDirection.DOWNSTREAM, 200)); // 200 KB/s: 300 KB need 1.5 s
            try (Socket s = connect(link.port())) {
                long t0 = System.nanoTime();
                byte[] got = s.getInputStream().readNBytes(answer.length);
                long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                assertThat(got).isEqualTo(answer);
                // The first tenth of a second's worth goes at once; the remaining 280 KB take 1.4 s at least.
                assertThat(millis).isGreaterThanOrEqualTo(1_350);
            }
        }
    }

    @Test
    void resetPeerClosesTheConnectionWithARst() throws Exception {
        try (LoopbackServer server = LoopbackServer.echo(); Link link = linkTo(server);
             Socket s = connect(link.port())) {
            roundTrip(s);
            link.addToxic(Toxic.resetPeer(LinkDirection.UPSTREAM, Duration.ZERO));
            // The toxic reaches the open connection on its event loop: a byte written in the same instant may
            // still pass and come back. Within a few round trips the connection must be reset.
            assertThatThrownBy(() -> {
                for (int i = 0; i < 50; i++) {
                    s.getOutputStream().write(2);
                    if (s.getInputStream().read() < 0) {
                        return;
                    }
                }
            }).isInstanceOf(SocketException.class).hasMessageContaining("reset");
        }
    }

    @Test
    void slicerOfOneToThreeBytesDeliversEveryByteIntactAndInOrder() throws Exception {
        byte[] payload = randomBytes(3_000, 2);
        AtomicInteger reads = new AtomicInteger();
        try (LoopbackServer server = new LoopbackServer((sock, in, out) -> {
            byte[] buf = new byte[65536];
            int total = 0;
            while (total < payload.length) {
                int n = in.read(buf, 0, buf.length);
                if (n < 0) {
                    return;
                }
                reads.incrementAndGet();
                out.write(buf, 0, n);
                out.flush();
                total += n;
            }
        }); Link link = linkTo(server)) {
            link.addToxic(Toxic.slicer(LinkDirection.UPSTREAM, 2, 1, 200));
            link.addToxic(Toxic.slicer(LinkDirection.DOWNSTREAM, 2, 1, 0));
            try (Socket s = connect(link.port())) {
                s.getOutputStream().write(payload);
                s.getOutputStream().flush();
                assertThat(s.getInputStream().readNBytes(payload.length)).isEqualTo(payload);
            }
            // Unsliced, 3000 bytes arrive in one or two reads; sliced 200 us apart, in hundreds.
            assertThat(reads.get()).isGreaterThan(100);
        }
    }

    @Test
    void timeoutZeroHoldsTheDataUntilItIsRemoved() throws Exception {
        try (LoopbackServer server = LoopbackServer.echo(); Link link = linkTo(server);
             Socket s = connect(link.port())) {
            roundTrip(s);
            link.addToxic(Toxic.timeout(LinkDirection.DOWNSTREAM, Duration.ZERO));
            s.getOutputStream().write(new byte[] {5, 6, 7});
            s.setSoTimeout(500);
            assertThatThrownBy(() -> s.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
            link.removeToxic("timeout_downstream");
            s.setSoTimeout(20_000);
            assertThat(s.getInputStream().readNBytes(3)).containsExactly(5, 6, 7);
        }
    }

    @Test
    void timeoutAboveZeroClosesTheConnectionAfterIt() throws Exception {
        try (LoopbackServer server = LoopbackServer.echo(); Link link = linkTo(server);
             Socket s = connect(link.port())) {
            roundTrip(s);
            long t0 = System.nanoTime();
            link.addToxic(Toxic.timeout(LinkDirection.DOWNSTREAM, Duration.ofMillis(200)));
            s.getOutputStream().write(1);
            assertThat(s.getInputStream().read()).isEqualTo(-1);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isGreaterThanOrEqualTo(200);
        }
    }

    @Test
    void limitDataClosesTheConnectionAfterExactlyThatManyBytes() throws Exception {
        byte[] answer = randomBytes(5_000, 3);
        try (LoopbackServer server = LoopbackServer.sending(answer); Link link = linkTo(server)) {
            link.addToxic(Toxic.limitData(LinkDirection.DOWNSTREAM, 1_000));
            try (Socket s = connect(link.port())) {
                byte[] got = s.getInputStream().readAllBytes();
                assertThat(got).hasSize(1_000).isEqualTo(java.util.Arrays.copyOf(answer, 1_000));
            }
        }
    }

    @Test
    void slowCloseDelaysTheCloseThatFollowsThePeers() throws Exception {
        try (LoopbackServer server = new LoopbackServer((sock, in, out) -> {
            out.write(9);
            out.flush();
        }); Link link = linkTo(server)) {
            link.addToxic(Toxic.slowClose(LinkDirection.DOWNSTREAM, Duration.ofMillis(300)));
            try (Socket s = connect(link.port())) {
                InputStream in = s.getInputStream();
                assertThat(in.read()).isEqualTo(9);
                long t0 = System.nanoTime();
                assertThat(in.read()).isEqualTo(-1);
                assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isGreaterThanOrEqualTo(250);
            }
        }
    }
}
