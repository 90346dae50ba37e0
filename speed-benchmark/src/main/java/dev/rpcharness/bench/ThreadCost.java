package dev.rpcharness.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Bytes allocated and CPU time spent by the JVM's threads between two snapshots, split into the server side
 * (threads whose name starts with one of the given prefixes) and the client side (every other thread, the
 * driver's included). From {@code com.sun.management.ThreadMXBean}; a thread that ended between the snapshots
 * is not counted. Not thread-safe; used by the benchmark's main thread.
 */
final class ThreadCost {

    /** Costs of one interval. */
    record Delta(long clientBytes, long serverBytes, long clientCpuNanos, long serverCpuNanos, long processCpuNanos) {
    }

    private record Sample(String name, long bytes, long cpu) {
    }

    private final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private final List<String> serverPrefixes;
    private Map<Long, Sample> last;
    private long lastProcessCpu;

    ThreadCost(List<String> serverPrefixes) {
        this.serverPrefixes = List.copyOf(serverPrefixes);
        threads.setThreadAllocatedMemoryEnabled(true);
        threads.setThreadCpuTimeEnabled(true);
    }

    /** Starts an interval. */
    void start() {
        last = sample();
        lastProcessCpu = os.getProcessCpuTime();
    }

    /** Ends the interval started last. */
    Delta stop() {
        Map<Long, Sample> now = sample();
        long processCpu = os.getProcessCpuTime() - lastProcessCpu;
        long cb = 0;
        long sb = 0;
        long cc = 0;
        long sc = 0;
        for (Map.Entry<Long, Sample> e : now.entrySet()) {
            Sample before = last.get(e.getKey());
            Sample s = e.getValue();
            long bytes = s.bytes() - (before == null ? 0 : before.bytes());
            long cpu = s.cpu() - (before == null ? 0 : before.cpu());
            if (isServer(s.name())) {
                sb += bytes;
                sc += cpu;
            } else {
                cb += bytes;
                cc += cpu;
            }
        }
        return new Delta(cb, sb, cc, sc, processCpu);
    }

    private boolean isServer(String name) {
        for (String p : serverPrefixes) {
            if (name.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    private Map<Long, Sample> sample() {
        long[] ids = threads.getAllThreadIds();
        long[] bytes = threads.getThreadAllocatedBytes(ids);
        long[] cpu = threads.getThreadCpuTime(ids);
        ThreadInfo[] infos = threads.getThreadInfo(ids);
        Map<Long, Sample> map = new HashMap<>();
        for (int i = 0; i < ids.length; i++) {
            if (infos[i] != null && bytes[i] >= 0) {
                map.put(ids[i], new Sample(infos[i].getThreadName(), bytes[i], Math.max(0, cpu[i])));
            }
        }
        return map;
    }
}
