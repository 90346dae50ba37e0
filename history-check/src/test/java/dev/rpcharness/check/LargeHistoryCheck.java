package dev.rpcharness.check;

import dev.rpcharness.run.ExecutedCallLog;
import dev.rpcharness.run.TimelineEvent;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Generates a {@link SyntheticHistory} of N calls into a file and checks it, printing the checking rate and the
 * peak heap; run by {@link LargeHistoryCheckTest} in a JVM of its own with a small heap. Exits 0 when the report
 * holds exactly what the generator counted, 1 otherwise. Arguments: the folder for the file, the number of calls.
 */
public final class LargeHistoryCheck {

    private LargeHistoryCheck() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        long calls = Long.parseLong(args[1]);
        Path file = dir.resolve("synthetic.history.jsonl");
        SyntheticHistory generated = new SyntheticHistory();
        long t0 = System.nanoTime();
        long gen0 = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        generated.write(file, calls);
        double genCpu = (ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - gen0) / 1e9;
        double genSeconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("generated %,d calls (%,d MB) in %.1f s (%.1f s of CPU)%n", calls, Files.size(file) >> 20,
                genSeconds, genCpu);

        List<TimelineEvent> timeline = new ArrayList<>();
        Instant wall = Instant.EPOCH;
        timeline.add(new TimelineEvent(SyntheticHistory.CRASH_AT - 1, wall, "crash", "p1", ""));
        timeline.add(new TimelineEvent(SyntheticHistory.CRASH_AT, wall, "provider-crash", "p1", ""));
        timeline.add(new TimelineEvent(SyntheticHistory.RESTART_AT, wall, "provider-restart", "p1", ""));
        ExecutedCallLog everyThirdRan = new ExecutedCallLog() {
            @Override
            public boolean ran(String clientId, int callerPort, long requestId) {
                return SyntheticHistory.CLIENT_ID.equals(clientId) && requestId % 3 == 0;
            }

            @Override
            public boolean complete() {
                return true;
            }
        };
        HistoryChecker.Builder b = HistoryChecker.builder().timeline(timeline, SyntheticHistory.ORIGIN)
                .slack(Duration.ofSeconds(2)).sampleLimit(5);
        for (int i = 0; i < SyntheticHistory.PROVIDERS.length; i++) {
            b.provider(SyntheticHistory.PROVIDERS[i], "p" + i, everyThirdRan, List.of());
        }
        HistoryChecker checker = b.build();

        System.gc();
        List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP).toList();
        heap.forEach(MemoryPoolMXBean::resetPeakUsage);
        long t1 = System.nanoTime();
        long cpu0 = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        long gc0 = gcMillis();
        CheckReport r = checker.check(file);
        double cpuSeconds = (ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpu0) / 1e9;
        double seconds = (System.nanoTime() - t1) / 1e9;
        long gc = gcMillis() - gc0;
        long peak = heap.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
        long max = Runtime.getRuntime().maxMemory();
        System.out.println(r.describe());
        System.out.printf("checked %,d calls in %.1f s: %,.0f calls/s (the checking thread's CPU time %.1f s: "
                + "%,.0f calls/s of CPU; %,d ms in GC); peak heap %,d MB (sum of the pools' peaks) of %,d MB%n", r.calls(),
                seconds, r.calls() / seconds, cpuSeconds, r.calls() / cpuSeconds, gc, peak >> 20, max >> 20);
        Files.delete(file);

        boolean exact = r.calls() == calls && r.ok() == generated.ok && r.fail() == generated.fail
                && r.info() == generated.info && r.open() == 0 && r.flaggedCount() == generated.flagged
                && r.violationCount() == generated.doubleEnds && r.violations().size() == Math.min(5,
                generated.doubleEnds) && r.flagged().size() == Math.min(5, generated.flagged)
                && r.violations().stream().allMatch(v -> v.rule() == Rule.ENDED_ONCE)
                && r.infoRan() + r.infoNotRan() == r.info() && r.infoRan() > 0 && r.infoNotRan() > 0;
        System.out.printf("expected ok %d, fail %d, info %d, flagged %d, violations %d: %s%n", generated.ok,
                generated.fail, generated.info, generated.flagged, generated.doubleEnds, exact ? "as found" : "DIFFERS");
        System.exit(exact ? 0 : 1);
    }

    private static long gcMillis() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(java.lang.management.GarbageCollectorMXBean::getCollectionTime).sum();
    }
}
