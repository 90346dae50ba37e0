package dev.rpcharness.loadtest.throughput;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a JFR recording says the CPU and the allocations went: the methods on top of the most execution samples,
 * for each watched name (a class or package prefix: {@code dev.rpcharness.loadtest.gatling.RpcCallAction} also
 * covers its inner classes) the share of samples with one of its frames anywhere in their stack and on top, and the
 * classes most allocated (by the allocation samples' weight). Read once from the file, then immutable.
 */
final class ProfileSummary {

    private final Path file;
    private final long samples;
    private final Map<String, Long> topFrames;
    private final Map<String, Long> watched;
    private final Map<String, Long> watchedOnTop;
    private final Map<String, Long> allocations;
    private final long allocatedBytes;

    private ProfileSummary(Path file, long samples, Map<String, Long> topFrames, Map<String, Long> watched,
            Map<String, Long> watchedOnTop, Map<String, Long> allocations, long allocatedBytes) {
        this.file = file;
        this.samples = samples;
        this.topFrames = topFrames;
        this.watched = watched;
        this.watchedOnTop = watchedOnTop;
        this.allocations = allocations;
        this.allocatedBytes = allocatedBytes;
    }

    /**
     * Reads {@code jfr}, counting for each name in {@code watchedClasses} (a class's fully qualified name or a
     * prefix of it) the samples that have one of its frames in their stack, and on top.
     *
     * @throws IOException naming the file when it cannot be read or is not a JFR recording
     */
    static ProfileSummary read(Path jfr, List<String> watchedClasses) throws IOException {
        long samples = 0;
        long allocated = 0;
        Map<String, Long> top = new HashMap<>();
        Map<String, Long> watched = new HashMap<>();
        Map<String, Long> onTop = new HashMap<>();
        Map<String, Long> allocations = new HashMap<>();
        try (RecordingFile recording = new RecordingFile(jfr)) {
            while (recording.hasMoreEvents()) {
                RecordedEvent e = recording.readEvent();
                String type = e.getEventType().getName();
                if (type.equals("jdk.ExecutionSample")) {
                    samples++;
                    RecordedStackTrace stack = e.getStackTrace();
                    if (stack == null || stack.getFrames().isEmpty()) {
                        continue;
                    }
                    String topFrame = name(stack.getFrames().get(0).getMethod());
                    top.merge(topFrame, 1L, Long::sum);
                    for (String c : watchedClasses) {
                        if (holds(stack, c)) {
                            watched.merge(c, 1L, Long::sum);
                        }
                        if (topFrame.startsWith(c)) {
                            onTop.merge(c, 1L, Long::sum);
                        }
                    }
                } else if (type.equals("jdk.ObjectAllocationSample")) {
                    long weight = e.getLong("weight");
                    allocated += weight;
                    allocations.merge(e.getClass("objectClass").getName(), weight, Long::sum);
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new IOException("cannot read the JFR recording " + jfr + ": " + e, e);
        }
        for (String c : watchedClasses) {
            watched.putIfAbsent(c, 0L);
            onTop.putIfAbsent(c, 0L);
        }
        return new ProfileSummary(jfr, samples, top, watched, onTop, allocations, allocated);
    }

    /** Execution samples in the recording. */
    long samples() {
        return samples;
    }

    /** Share (0 to 1) of the execution samples with a watched name in their stack; 0 for a name not watched. */
    double shareOf(String watchedName) {
        return samples == 0 ? 0 : watched.getOrDefault(watchedName, 0L) / (double) samples;
    }

    /** Share (0 to 1) of the execution samples with a watched name's frame on top; 0 for a name not watched. */
    double topShareOf(String watchedName) {
        return samples == 0 ? 0 : watchedOnTop.getOrDefault(watchedName, 0L) / (double) samples;
    }

    /** The {@code n} methods on top of the most samples, most first, as {@code Class.method}. */
    List<String> topMethods(int n) {
        return largest(topFrames, n);
    }

    /** A few lines for the benchmark's report: top frames, watched classes and top allocations, with shares. */
    String describe(int n) {
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "profile %s: %d execution samples%n",
                file, samples));
        out.append("  top frames:\n");
        for (String m : largest(topFrames, n)) {
            out.append(String.format(Locale.ROOT, "    %5.1f%%  %s%n", percent(topFrames.get(m), samples), m));
        }
        for (String c : largest(watched, watched.size())) {
            out.append(String.format(Locale.ROOT, "  in the stack of %5.1f%% of samples, on top of %5.1f%%: %s%n",
                    percent(watched.get(c), samples), percent(watchedOnTop.get(c), samples), c));
        }
        if (allocatedBytes > 0) {
            out.append("  top allocations (sampled weight):\n");
            for (String c : largest(allocations, n)) {
                out.append(String.format(Locale.ROOT, "    %5.1f%%  %s%n",
                        percent(allocations.get(c), allocatedBytes), c));
            }
        }
        return out.toString();
    }

    private static boolean holds(RecordedStackTrace stack, String className) {
        for (RecordedFrame f : stack.getFrames()) {
            RecordedMethod m = f.getMethod();
            if (m != null && m.getType() != null && m.getType().getName().startsWith(className)) {
                return true;
            }
        }
        return false;
    }

    private static String name(RecordedMethod m) {
        if (m == null) {
            return "(unknown)";
        }
        String type = m.getType() == null ? "(unknown)" : m.getType().getName();
        return type + "." + m.getName();
    }

    private static List<String> largest(Map<String, Long> counts, int n) {
        List<String> keys = new ArrayList<>(counts.keySet());
        keys.sort((a, b) -> {
            int byCount = Long.compare(counts.get(b), counts.get(a));
            return byCount != 0 ? byCount : a.compareTo(b);
        });
        return keys.subList(0, Math.min(n, keys.size()));
    }

    private static double percent(long part, long whole) {
        return whole == 0 ? 0 : 100.0 * part / whole;
    }
}
