package dev.rpcharness.bench;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.management.ObjectName;

/**
 * A class histogram of the live heap of this JVM, taken in process through the HotSpot diagnostic command
 * {@code GC.class_histogram} (what {@code jcmd <pid> GC.class_histogram} prints; it runs a full collection first),
 * and the difference of two of them: which classes the objects kept between two moments belong to.
 *
 * <p>Threading: immutable once taken; {@link #take} may run on any thread (the collection stops them all).
 */
final class HeapHistogram {

    /** One class's growth between two histograms. */
    record Growth(String className, long instances, long bytes) {
    }

    /** Instances and bytes per class name. */
    private final Map<String, long[]> byClass;

    private HeapHistogram(Map<String, long[]> byClass) {
        this.byClass = byClass;
    }

    /** The live heap now, by class; a full collection first. */
    static HeapHistogram take() {
        String text;
        try {
            text = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                    new Object[] {new String[0]}, new String[] {String[].class.getName()});
        } catch (Exception e) {
            throw new IllegalStateException("GC.class_histogram is not available in this JVM: " + e, e);
        }
        Map<String, long[]> byClass = new HashMap<>();
        for (String line : text.split("\n")) {
            // " 12:        1000        24000  java.lang.Long (java.base@17)"
            String[] f = line.trim().split("\\s+");
            if (f.length < 4 || !f[0].endsWith(":")) {
                continue;
            }
            try {
                long instances = Long.parseLong(f[1]);
                long bytes = Long.parseLong(f[2]);
                byClass.merge(f[3], new long[] {instances, bytes}, (a, b) -> new long[] {a[0] + b[0], a[1] + b[1]});
            } catch (NumberFormatException e) {
                // a header or total line
            }
        }
        return new HeapHistogram(byClass);
    }

    /** The classes that grew from {@code before} to this histogram, most bytes first, at most {@code top}. */
    List<Growth> growthSince(HeapHistogram before, int top) {
        List<Growth> grown = new ArrayList<>();
        byClass.forEach((name, now) -> {
            long[] then = before.byClass.getOrDefault(name, new long[2]);
            if (now[1] > then[1]) {
                grown.add(new Growth(name, now[0] - then[0], now[1] - then[1]));
            }
        });
        grown.sort((a, b) -> Long.compare(b.bytes(), a.bytes()));
        return grown.subList(0, Math.min(top, grown.size()));
    }

    /** Lines "class, instances per call, bytes per call" for the growth over {@code calls} calls. */
    static List<String> perCall(List<Growth> growth, long calls) {
        List<String> lines = new ArrayList<>();
        long total = 0;
        for (Growth g : growth) {
            total += g.bytes();
            lines.add(String.format(Locale.ROOT, "  %-72s %6.2f instances/call %7.1f B/call", g.className(),
                    (double) g.instances() / calls, (double) g.bytes() / calls));
        }
        lines.add(String.format(Locale.ROOT, "  %-72s %6s                %7.1f B/call", "(these classes together)", "",
                (double) total / calls));
        return lines;
    }
}
