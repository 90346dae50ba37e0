package dev.rpcharness.bench;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The speed benchmark's closing lines, all against the floor (F): the medians table, the {@code COST} lines (CPU
 * and allocation per call of each side and of the whole stack) and, last, the {@code RATIO} lines (throughput, and
 * p99 at 50% load). Each side is compared with F's same side: the consumer core with F's client (both call F's
 * server), the fake provider with F's server (both called by F's client), the whole stack with F. Stateless.
 */
final class SpeedLines {

    private SpeedLines() {
    }

    /** A comparison: the measured entry, what it is, and which side of F it is held against. */
    private record Against(String key, String what, Side side) {
    }

    private enum Side { CLIENT, SERVER, STACK }

    private static final List<Against> COMPARED = List.of(
            new Against("C", "client consumer-core (best options)", Side.CLIENT),
            new Against("C0", "client consumer-core (default options)", Side.CLIENT),
            new Against("D", "server fake-provider", Side.SERVER),
            new Against("E", "stack consumer-core (best options)+fake-provider", Side.STACK),
            new Against("E0", "stack consumer-core (default options)+fake-provider", Side.STACK),
            new Against("A", "reference raw-netty (Netty's HTTP codecs)", Side.STACK),
            new Against("B", "reference grpc-java", Side.STACK));

    static void summary(PrintStream out, Map<String, BenchEntry> entries, int rounds) {
        out.println("-- medians over " + rounds + " rounds (setting: connections x calls in flight)");
        double floor = entries.get("F").callsPerSecond();
        for (BenchEntry e : entries.values()) {
            out.printf(Locale.ROOT, "%-2s %-38s %d x %-4d %9.0f calls/s  %.2f of F  alloc/call client %5.0f B "
                            + "server %5.0f B  cpu/call client %5.2f us server %5.2f us process %5.2f us%n",
                    e.key, e.label, e.connections, e.window, e.callsPerSecond(), e.callsPerSecond() / floor,
                    e.median(LoopDriver.Result::clientBytesPerCall), e.median(LoopDriver.Result::serverBytesPerCall),
                    e.median(LoopDriver.Result::clientCpuMicrosPerCall),
                    e.median(LoopDriver.Result::serverCpuMicrosPerCall),
                    e.median(LoopDriver.Result::processCpuMicrosPerCall));
        }
    }

    /** The COST lines: CPU and allocation per call of the compared side, against F's same side. */
    static void costs(PrintStream out, Map<String, BenchEntry> entries) {
        BenchEntry f = entries.get("F");
        for (Against a : COMPARED) {
            BenchEntry e = entries.get(a.key());
            double cpu = cpu(e, a.side());
            double floorCpu = cpu(f, a.side());
            out.printf(Locale.ROOT, "COST %s/floor %s cpu per call = %.2f (%.2f us / %.2f us), alloc per call "
                            + "%.0f B / %.0f B%n", a.what(), side(a.side()), cpu / floorCpu, cpu, floorCpu,
                    bytes(e, a.side()), bytes(f, a.side()));
        }
    }

    /** The RATIO lines, the benchmark's last: throughput of each against F, then p99 at 50% load against F's. */
    static void ratios(PrintStream out, Map<String, BenchEntry> entries) {
        BenchEntry f = entries.get("F");
        for (Against a : COMPARED) {
            out.printf(Locale.ROOT, "RATIO %s/floor throughput = %.2f%n", a.what(),
                    entries.get(a.key()).callsPerSecond() / f.callsPerSecond());
        }
        for (Against a : COMPARED) {
            LoopDriver.Result o = entries.get(a.key()).open;
            if (o != null && a.side() != Side.SERVER) {
                out.printf(Locale.ROOT, "RATIO %s/floor p99 at 50%% load = %.2f (%.3f ms / %.3f ms)%s%n", a.what(),
                        o.p(99) / f.open.p(99), o.p(99), f.open.p(99), strained(o) || strained(f.open)
                                ? "; calls shed or failed in this open loop or F's: see the open lines" : "");
            }
        }
    }

    /** The link's COST line: the process's CPU per call through a link (L) against direct (E), and what it adds. */
    static void linkCost(PrintStream out, BenchEntry link, BenchEntry direct) {
        double l = cpu(link, Side.STACK);
        double d = cpu(direct, Side.STACK);
        out.printf(Locale.ROOT, "COST link/direct process cpu per call = %.2f (%.2f us / %.2f us, %+.2f us per call "
                        + "added by the link), alloc per call %.0f B / %.0f B%n", l / d, l, d, l - d,
                bytes(link, Side.STACK), bytes(direct, Side.STACK));
    }

    /**
     * The link's RATIO lines: throughput through a link (L) against direct (E), then p50 and p99 at 50% load with
     * the time the link adds.
     */
    static void linkRatios(PrintStream out, BenchEntry link, BenchEntry direct) {
        out.printf(Locale.ROOT, "RATIO link/direct throughput = %.2f%n",
                link.callsPerSecond() / direct.callsPerSecond());
        LoopDriver.Result l = link.open;
        LoopDriver.Result d = direct.open;
        if (l == null || d == null) {
            return;
        }
        for (double p : new double[] {50, 99}) {
            out.printf(Locale.ROOT, "RATIO link/direct p%.0f at 50%% load = %.2f (%.3f ms / %.3f ms, %+.3f ms added by "
                            + "the link)%s%n", p, l.p(p) / d.p(p), l.p(p), d.p(p), l.p(p) - d.p(p),
                    strained(l) || strained(d) ? "; calls shed or failed in L's or E's open loop: see the open lines"
                            : "");
        }
    }

    /** Whether an open loop shed or failed calls, so its p99 covers only the calls that were answered. */
    private static boolean strained(LoopDriver.Result open) {
        return open.shed() > 0 || open.failures() > 0;
    }

    private static String side(Side side) {
        return switch (side) {
            case CLIENT -> "client";
            case SERVER -> "server";
            case STACK -> "process";
        };
    }

    private static double cpu(BenchEntry e, Side side) {
        return switch (side) {
            case CLIENT -> e.median(LoopDriver.Result::clientCpuMicrosPerCall);
            case SERVER -> e.median(LoopDriver.Result::serverCpuMicrosPerCall);
            case STACK -> e.median(LoopDriver.Result::processCpuMicrosPerCall);
        };
    }

    private static double bytes(BenchEntry e, Side side) {
        return switch (side) {
            case CLIENT -> e.median(LoopDriver.Result::clientBytesPerCall);
            case SERVER -> e.median(LoopDriver.Result::serverBytesPerCall);
            case STACK -> e.median(LoopDriver.Result::clientBytesPerCall)
                    + e.median(LoopDriver.Result::serverBytesPerCall);
        };
    }
}
