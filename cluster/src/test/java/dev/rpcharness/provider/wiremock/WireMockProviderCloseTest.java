package dev.rpcharness.provider.wiremock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rpcharness.cluster.EmbeddedZooKeeper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Closing a registered WireMock provider ends its ZooKeeper session cleanly: no error from ZooKeeper's threads
 * (it was a StackOverflowError while the node recipe kept re-creating itself on a closed client) and none of the
 * session's threads left behind.
 */
class WireMockProviderCloseTest {

    interface PingService {
        void ping();
    }

    @Test
    void closeEndsTheSessionWithoutAnErrorFromZooKeepersThreads() throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try (EmbeddedZooKeeper zk = EmbeddedZooKeeper.start()) {
            Set<Thread> before = Thread.getAllStackTraces().keySet();
            System.setErr(new PrintStream(new TeeStream(original, captured), true, StandardCharsets.UTF_8));
            try {
                for (int i = 0; i < 3; i++) {
                    WireMockProvider p = WireMockProvider.builder().registry(zk.connectString())
                            .service(PingService.class).name("wm-close-" + i).build().start();
                    p.close();
                }
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(newZooKeeperThreads(before))
                        .as("ZooKeeper client threads left after close").isEmpty());
            } finally {
                System.setErr(original);
            }
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        assertThat(log).doesNotContain("StackOverflowError").doesNotContain("Exception in thread");
    }

    private static Set<String> newZooKeeperThreads(Set<Thread> before) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !before.contains(t) && t.isAlive())
                .map(Thread::getName)
                .filter(n -> n.contains("EventThread") || n.contains("SendThread") || n.contains("Curator"))
                .collect(Collectors.toSet());
    }

    /** Writes to two streams. */
    private static final class TeeStream extends java.io.OutputStream {
        private final java.io.OutputStream a;
        private final java.io.OutputStream b;

        TeeStream(java.io.OutputStream a, java.io.OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public synchronized void write(int c) throws java.io.IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public synchronized void write(byte[] buf, int off, int len) throws java.io.IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }
    }
}
