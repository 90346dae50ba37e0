package dev.rpcharness.injectors;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rpcharness.run.Timeline;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;

/**
 * Measures, not asserts, the coordination's own cost for 1, 2 and 3 injectors (threads, one client each) on one
 * real ZooKeeper: the requests the server received for a run (join, start barrier, conductor with 3 steps, clock
 * measurement, end barrier) and per second while the run holds still, read from ZooKeeper's {@code srvr} command.
 * Not run by default (its name is not a test's); run it with {@code -Dtest=CoordinationCostBenchmark}.
 */
class CoordinationCostBenchmark {

    private static final Pattern RECEIVED = Pattern.compile("Received: (\\d+)");
    private static final Duration HOLD = Duration.ofSeconds(6);

    @Test
    void coordinationTrafficForOneTwoAndThreeInjectors() throws Exception {
        System.out.println("injectors | requests for the whole run | requests/s while it holds | start barrier ms");
        for (int n = 1; n <= 3; n++) {
            try (Fleet fleet = new Fleet()) {
                RunSpec spec = RunSpec.of("bench-" + n, "CrashOne", 7, n).withBarrierTimeout(Duration.ofSeconds(30));
                List<CuratorFramework> clients = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    clients.add(fleet.client());
                }
                new Coordinator(clients.get(0)).publish(spec);
                long before = received(fleet);
                long[] holdRequests = new long[1];
                List<Future<Long>> runs = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    int index = i;
                    runs.add(fleet.threads.submit(() -> oneInjector(fleet, clients.get(index), spec, index,
                            index == 0 ? holdRequests : null)));
                }
                long barrierMillis = 0;
                for (Future<Long> run : runs) {
                    barrierMillis = Math.max(barrierMillis, run.get(60, TimeUnit.SECONDS));
                }
                long total = received(fleet) - before;
                System.out.printf("%d | %d | %.1f | %d%n", n, total, holdRequests[0] / (HOLD.toMillis() / 1000.0),
                        barrierMillis);
                assertThat(total).isPositive();
            }
        }
    }

    /** Returns how long the start barrier took; when {@code hold} is given, stores the requests during the hold. */
    private static long oneInjector(Fleet fleet, CuratorFramework client, RunSpec spec, int index, long[] hold)
            throws Exception {
        try (InjectorRun run = InjectorRun.join(new Coordinator(client), spec, index)) {
            long began = System.nanoTime();
            run.awaitStart();
            long barrier = (System.nanoTime() - began) / 1_000_000;
            List<ChaosStep> steps = List.of(new ChaosStep("a", Duration.ZERO, () -> { }),
                    new ChaosStep("b", Duration.ofMillis(200), () -> { }),
                    new ChaosStep("c", Duration.ofMillis(400), () -> { }));
            try (ChaosConductor conductor = new ChaosConductor(run, steps, new Timeline())) {
                conductor.start();
                ClockOffset clock = new ClockOffset(run, java.time.Clock.systemUTC());
                clock.measureAndPublish(5);
                Thread.sleep(1_000);
                long at = received(fleet);
                Thread.sleep(HOLD.toMillis());
                if (hold != null) {
                    hold[0] = received(fleet) - at;
                }
            }
            run.finish();
            return barrier;
        }
    }

    /** The requests the ZooKeeper server received so far, from its {@code srvr} four-letter command. */
    private static long received(Fleet fleet) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), fleet.zk.getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write("srvr".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            Matcher m = RECEIVED.matcher(answer);
            if (!m.find()) {
                throw new IOException("no 'Received:' in ZooKeeper's srvr answer: " + answer);
            }
            return Long.parseLong(m.group(1));
        }
    }
}
