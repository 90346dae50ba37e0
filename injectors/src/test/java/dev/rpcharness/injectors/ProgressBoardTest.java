package dev.rpcharness.injectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ProgressBoardTest {

    private static final Duration INTERVAL = Duration.ofMillis(200);
    private static final Pattern RATE = Pattern.compile(" ([0-9][0-9,]*) calls/s");

    private Fleet fleet;
    private final List<CuratorFramework> clients = new ArrayList<>();
    private final List<InjectorRun> runs = new ArrayList<>();
    private final List<ProgressBoard> boards = new ArrayList<>();
    private final List<List<String>> printed = new ArrayList<>();

    @BeforeEach
    void startZooKeeper() throws Exception {
        fleet = new Fleet();
    }

    @AfterEach
    void closeAll() throws Exception {
        boards.forEach(ProgressBoard::close);
        runs.forEach(InjectorRun::close);
        fleet.close();
    }

    /**
     * Three injectors past their start barrier, each with a board every 200 ms. Injector {@code i} makes
     * {@code 500 * (i + 1)} calls a second on its own clock (3,000 a second in all), has {@code i + 1} errors once
     * it has made that many calls (6 in all) and a p99 of {@code (i + 1) * 1000 + 300} µs (3.3 ms the largest).
     */
    private void startThreeInjectors(String runId) throws Exception {
        RunSpec spec = RunSpec.of(runId, "Progress", 7, 3).withBarrierTimeout(Duration.ofSeconds(20));
        new Coordinator(fleet.client()).publish(spec);
        List<Future<Long>> starts = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            CuratorFramework client = fleet.client();
            clients.add(client);
            InjectorRun run = InjectorRun.join(new Coordinator(client), spec, i);
            runs.add(run);
            starts.add(fleet.threads.submit(run::awaitStart));
        }
        for (Future<Long> start : starts) {
            start.get(30, TimeUnit.SECONDS);
        }
        long t0 = System.currentTimeMillis();
        for (int i = 0; i < 3; i++) {
            int n = i + 1;
            String id = runs.get(i).id();
            ProgressBoard board = ProgressBoard.start(runs.get(i), () -> {
                long at = System.currentTimeMillis();
                long calls = (at - t0) * 500 * n / 1000;
                return new Progress(id, calls, Math.min(calls, n), n * 1000L + 300, at);
            }, INTERVAL);
            List<String> lines = new CopyOnWriteArrayList<>();
            board.onLine(lines::add);
            boards.add(board);
            printed.add(lines);
        }
    }

    private static long rate(String line) {
        Matcher m = RATE.matcher(line);
        assertThat(m.find()).as("a calls/s figure in: " + line).isTrue();
        return Long.parseLong(m.group(1).replace(",", ""));
    }

    /** The lines of {@code board} that contain every one of {@code parts}. */
    private List<String> linesWith(int board, String... parts) {
        List<String> matching = new ArrayList<>();
        for (String line : printed.get(board)) {
            if (List.of(parts).stream().allMatch(line::contains)) {
                matching.add(line);
            }
        }
        return matching;
    }

    @Test
    void injector0PrintsOneLineWithEveryInjectorsSumsRateAndWorstP99() throws Exception {
        startThreeInjectors("progress-all");
        String[] full = {"run progress-all [t+", "3/3 injectors: ", " 6 errors (", "p99 3.3 ms (max of injectors)",
                "lost: none"};
        await().atMost(Duration.ofSeconds(20)).until(() -> linesWith(0, full).size() >= 6);
        List<String> lines = linesWith(0, full);
        // From the third read on, every injector has been read twice: each one's rate is known.
        for (String line : lines.subList(3, lines.size())) {
            assertThat(rate(line)).as(line).isBetween(2_900L, 3_100L);
        }
        assertThat(boards.get(0).lastLine()).startsWith("run progress-all [t+");
        assertThat(boards.get(1).lastLine()).as("injector-1 does not print while injector-0 lives").isNull();
        assertThat(boards.get(2).lastLine()).as("injector-2 does not print while injector-0 lives").isNull();
        assertThat(printed.get(1)).isEmpty();
    }

    @Test
    void deadInjectorLeavesTheSumsAndIsNamedLost() throws Exception {
        startThreeInjectors("progress-dies");
        await().atMost(Duration.ofSeconds(20)).until(() -> !linesWith(0, "3/3 injectors", "6 errors").isEmpty());
        clients.get(2).close(); // injector-2's JVM dies: its session and its ephemeral nodes go
        await().atMost(Duration.ofSeconds(20))
                .until(() -> linesWith(0, "2/3 injectors", "lost: injector-2").size() >= 3);
        List<String> lines = linesWith(0, "2/3 injectors", "lost: injector-2");
        for (String line : lines) {
            assertThat(line).contains(" 3 errors (").contains("p99 2.3 ms (max of injectors)");
        }
        // The survivors' rates were known before: 500 + 1,000 calls/s.
        assertThat(rate(lines.get(lines.size() - 1))).isBetween(1_400L, 1_600L);
    }

    @Test
    void injectorThatLeftTheRunUnfinishedIsLostEvenWhileItsBoardStillPublishes() throws Exception {
        startThreeInjectors("progress-left");
        await().atMost(Duration.ofSeconds(20)).until(() -> !linesWith(0, "3/3 injectors", "6 errors").isEmpty());
        runs.get(2).close(); // its member node goes, its session and its board stay
        await().atMost(Duration.ofSeconds(20))
                .until(() -> linesWith(0, "lost: injector-2").size() >= 2);
        assertThat(linesWith(0, "lost: injector-2")).allSatisfy(line -> assertThat(line)
                .contains("2/3 injectors").contains(" 3 errors (").contains("p99 2.3 ms"));
        assertThat(fleet.client().checkExists().forPath(runs.get(2).paths().progress("injector-2")))
                .as("its node is still there, left out by the printer").isNotNull();
    }

    @Test
    void whenInjector0DiesInjector1PrintsInstead() throws Exception {
        startThreeInjectors("progress-printer-dies");
        await().atMost(Duration.ofSeconds(20)).until(() -> boards.get(0).lastLine() != null);
        assertThat(boards.get(1).lastLine()).isNull();
        clients.get(0).close();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> !linesWith(1, "2/3 injectors", " 5 errors (", "lost: injector-0").isEmpty());
        assertThat(boards.get(2).lastLine()).as("injector-1 lives: injector-2 does not print").isNull();
    }

    @Test
    void closeStopsTheThreadAndDeletesOnlyItsOwnNodeAndIsIdempotent() throws Exception {
        startThreeInjectors("progress-close");
        RunPaths paths = runs.get(0).paths();
        CuratorFramework reader = fleet.client();
        await().atMost(Duration.ofSeconds(20)).until(() -> reader.getChildren().forPath(paths.progress()).size() == 3);
        assertThat(threadNames()).contains("progress-progress-close-injector-1");
        boards.get(1).close();
        boards.get(1).close();
        assertThat(reader.checkExists().forPath(paths.progress("injector-1"))).isNull();
        assertThat(reader.checkExists().forPath(paths.member("injector-1"))).as("the run is not the board's")
                .isNotNull();
        assertThat(new TreeSet<>(reader.getChildren().forPath(paths.progress())))
                .containsExactly("injector-0", "injector-2");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> !threadNames().contains("progress-progress-close-injector-1"));
        await().atMost(Duration.ofSeconds(10)).until(() -> linesWith(0, "2/3 injectors", "lost: none").size() >= 2);
    }

    private static Set<String> threadNames() {
        Set<String> names = new TreeSet<>();
        Thread.getAllStackTraces().keySet().forEach(t -> names.add(t.getName()));
        return names;
    }

    @Test
    void combinedLineFromTwoReadsIsExact() {
        CombinedProgress combined = new CombinedProgress("nightly-7", 3);
        String first = combined.line(34_000, List.of(new Progress("injector-0", 0, 0, 1500, 1_000),
                new Progress("injector-1", 0, 0, 800, 1_000)), new TreeSet<>());
        assertThat(first).isEqualTo("run nightly-7 [t+34s] 2/3 injectors: 0 calls/s, 0 errors (0.00%), p99 1.5 ms"
                + " (max of injectors), lost: none");
        String second = combined.line(35_900, List.of(new Progress("injector-0", 600, 3, 1500, 1_500),
                new Progress("injector-1", 4, 1, 12_345, 2_000)), new TreeSet<>(Set.of("injector-2")));
        // 600 calls in 0.5 s and 4 in 1 s; 4 errors of 604 calls; the worst p99.
        assertThat(second).isEqualTo("run nightly-7 [t+35s] 2/3 injectors: 1,204 calls/s, 4 errors (0.66%),"
                + " p99 12.3 ms (max of injectors), lost: injector-2");
        String unchanged = combined.line(36_000, List.of(new Progress("injector-0", 600, 3, 1500, 1_500)),
                new TreeSet<>(Set.of("injector-1", "injector-2")));
        assertThat(unchanged).as("not republished: keeps its rate").contains("1/3 injectors: 1,200 calls/s")
                .endsWith("lost: injector-1, injector-2");
    }

    @Test
    void progressJsonRoundTripsAndIsReadStrictly() {
        Progress p = new Progress("injector-1", 1204, 3, 12_300, 1_733_511_111_000L);
        assertThat(Progress.fromJson(p.toJson())).isEqualTo(p);
        assertThatThrownBy(() -> Progress.fromJson(bytes("{\"injector\":\"injector-1\",\"calls\":1,\"errors\":0,"
                + "\"atMillis\":5}"))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'p99Micros'");
        assertThatThrownBy(() -> Progress.fromJson(bytes("{\"injector\":\"injector-1\",\"calls\":1.5,\"errors\":0,"
                + "\"p99Micros\":1,\"atMillis\":5}"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'calls' must be an integer");
        assertThatThrownBy(() -> Progress.fromJson(bytes("calls=1;errors=0")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not JSON");
        assertThatThrownBy(() -> new Progress("injector-1", 1, 2, 0, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot exceed calls");
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
