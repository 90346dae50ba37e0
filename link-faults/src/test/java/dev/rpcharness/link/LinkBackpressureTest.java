package dev.rpcharness.link;

import static dev.rpcharness.link.TestLinks.connect;
import static dev.rpcharness.link.TestLinks.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.OutputStream;
import java.net.Socket;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A link pushes back through TCP instead of buffering what a toxic holds, and releases what it held. */
class LinkBackpressureTest {

    private static final int TOTAL = 32 * 1024 * 1024;

    @Test
    void heldDataStopsTheLinkReadingAndFlowsIntactOnceReleased() throws Exception {
        byte[] block = randomBytes(64 * 1024, 4);
        CompletableFuture<byte[]> received = new CompletableFuture<>();
        try (LoopbackServer server = new LoopbackServer((s, in, out) -> {
            try {
                MessageDigest digest = MessageDigest.getInstance("SHA-256");
                byte[] buf = new byte[65536];
                long total = 0;
                for (int n; total < TOTAL && (n = in.read(buf)) >= 0; total += n) {
                    digest.update(buf, 0, n);
                }
                received.complete(digest.digest());
            } catch (java.security.NoSuchAlgorithmException e) {
                received.completeExceptionally(e);
            }
        }); Link link = TestLinks.linkTo(server); Socket client = connect(link.port())) {
            link.addToxic(Toxic.timeout(LinkDirection.UPSTREAM, Duration.ZERO));
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    OutputStream out = client.getOutputStream();
                    for (int written = 0; written < TOTAL; written += block.length) {
                        out.write(block);
                    }
                    out.flush();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            await().atMost(Duration.ofSeconds(20)).until(() -> link.heldBytes() >= Flow.HIGH_WATER);
            // While the toxic holds, the link stops reading: it never holds much more than its mark.
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
                    .until(() -> link.heldBytes() <= 2L * Flow.HIGH_WATER && !writer.isDone());

            link.removeToxic("timeout_upstream");
            writer.get(30, TimeUnit.SECONDS);
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (int i = 0; i < TOTAL / block.length; i++) {
                digest.update(block);
            }
            assertThat(received.get(30, TimeUnit.SECONDS)).isEqualTo(digest.digest());
        }
    }

    @Test
    void closingALinkReleasesEverythingItHeld() throws Exception {
        try (LoopbackServer server = LoopbackServer.echo(); Link link = TestLinks.linkTo(server)) {
            link.addToxic(Toxic.timeout(LinkDirection.DOWNSTREAM, Duration.ZERO));
            try (Socket s = connect(link.port())) {
                s.getOutputStream().write(randomBytes(10_000, 5));
                await().atMost(Duration.ofSeconds(10)).until(() -> link.heldBytes() == 10_000);
                link.disable();
                await().atMost(Duration.ofSeconds(10)).until(() -> link.heldBytes() == 0 && link.openConnections() == 0);
            }
        }
    }
}
