package dev.rpcharness.junit;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * The threads and open file descriptors of this JVM at one moment, to tell afterwards what a test left behind.
 *
 * <p>Threads are compared by identity; threads of JVM-wide pools that start on first use and stay by design
 * (the common fork-join pool, Netty's global executor, the JDK's cleaners, the test runner's own) are not
 * counted. Descriptors are counted through {@code com.sun.management.UnixOperatingSystemMXBean} where the platform
 * has it, and named from {@code /proc/self/fd} where that exists; jar files opened by class loading are not
 * counted. Immutable; taking a snapshot is cheap (no stack traces).
 */
final class ResourceSnapshot {

    /** Name prefixes of threads that JVM-wide pools start on first use and keep. */
    private static final List<String> JVM_WIDE = List.of("ForkJoinPool.commonPool", "globalEventExecutor",
            "ObjectCleanerThread", "Common-Cleaner", "process reaper", "Attach Listener", "surefire",
            "junit-jupiter", "Reference Handler", "Finalizer", "Signal Dispatcher", "Notification Thread",
            "awaitility", "HttpClient-", "JFR ", "RMI ", "Keep-Alive-", "threadDeathWatcher",
            // ZooKeeper's quorum connection workers of an embedded ensemble's restarted members outlive the
            // ensemble's close until their sockets time out (ZooKeeper's QuorumCnxManager, not the test's).
            "WorkerReceiver[", "WorkerSender[");

    private final Map<Thread, String> threads;
    private final long fdCount;
    /** Named descriptors, or null where the platform does not name them. */
    private final Set<String> fds;

    private ResourceSnapshot(Map<Thread, String> threads, long fdCount, Set<String> fds) {
        this.threads = threads;
        this.fdCount = fdCount;
        this.fds = fds;
    }

    /** What is alive and open now. */
    static ResourceSnapshot take() {
        Map<Thread, String> live = new HashMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive()) {
                live.put(t, t.getName());
            }
        }
        return new ResourceSnapshot(live, openFileDescriptors(), namedFileDescriptors());
    }

    /**
     * What is alive or open now and was not in {@code before}, after waiting up to {@code graceMs} for it to
     * end: one line per kind of leak, naming the threads and descriptors. Empty when nothing leaked.
     *
     * @param ignoredThreadPrefixes further thread name prefixes not to count
     */
    static List<String> leakedSince(ResourceSnapshot before, long graceMs, List<String> ignoredThreadPrefixes) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(graceMs);
        List<String> problems;
        do {
            problems = compare(before, take(), ignoredThreadPrefixes, graceMs);
            if (problems.isEmpty()) {
                return problems;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        } while (System.nanoTime() < deadline);
        return problems;
    }

    private static List<String> compare(ResourceSnapshot before, ResourceSnapshot now, List<String> ignored,
                                        long graceMs) {
        List<String> problems = new ArrayList<>();
        List<String> newThreads = now.threads.entrySet().stream()
                .filter(e -> !before.threads.containsKey(e.getKey()))
                .map(Map.Entry::getValue)
                .filter(name -> JVM_WIDE.stream().noneMatch(name::startsWith)
                        && ignored.stream().noneMatch(name::startsWith))
                .sorted().toList();
        if (!newThreads.isEmpty()) {
            problems.add(newThreads.size() + " thread(s) started during the test still alive " + graceMs
                    + " ms after it ended: " + String.join(", ", newThreads));
        }
        if (before.fds != null && now.fds != null) {
            List<String> newFds = now.fds.stream().filter(fd -> !before.fds.contains(fd)).sorted().toList();
            if (!newFds.isEmpty()) {
                problems.add(newFds.size() + " file descriptor(s) opened during the test still open " + graceMs
                        + " ms after it ended: " + String.join(", ", newFds));
            }
        } else if (before.fdCount >= 0 && now.fdCount > before.fdCount) {
            problems.add((now.fdCount - before.fdCount) + " more open file descriptor(s) than before the test, "
                    + graceMs + " ms after it ended (" + before.fdCount + " -> " + now.fdCount + ")");
        }
        return problems;
    }

    /** The JVM's open descriptor count, or -1 where the platform does not tell. */
    static long openFileDescriptors() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            return unix.getOpenFileDescriptorCount();
        }
        return -1L;
    }

    /**
     * The open descriptors as "fd -> target" (sockets, files; jars, pipes and event descriptors left out), or an
     * null where /proc is not there.
     */
    private static Set<String> namedFileDescriptors() {
        Path dir = Path.of("/proc/self/fd");
        Set<String> named = new HashSet<>();
        if (!Files.isDirectory(dir)) {
            return null;
        }
        try (Stream<Path> list = Files.list(dir)) {
            for (Path fd : (Iterable<Path>) list::iterator) {
                String target;
                try {
                    target = Files.readSymbolicLink(fd).toString();
                } catch (IOException | UnsupportedOperationException e) {
                    continue; // closed meanwhile (the listing's own descriptor, among others)
                }
                if (target.startsWith("socket:") || (target.startsWith("/") && !target.endsWith(".jar")
                        && !target.startsWith("/proc/") && !target.startsWith("/dev/"))) {
                    named.add(target);
                }
            }
        } catch (IOException e) {
            return null;
        }
        return named;
    }
}
