package dev.rpcharness.reports.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rpcharness.run.RunFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * What one scenario recorded, read from one run folder or merged from several injectors' folders of the same
 * scenario: its per-second histograms, its timeline, Gatling's assertions and where Gatling's pages are.
 *
 * <p>Merging: every log's intervals are put on one grid of seconds anchored at the earliest log's start
 * ({@link #t0Millis()}); an interval goes to the second its end falls closest to, and intervals of the same tag and
 * second are added (HdrHistogram adds losslessly). Timelines are merged by wall clock; an event that several
 * folders recorded identically (the same fleet event) is kept once. Immutable after {@link #read}.
 *
 * <p>Clocks: the injectors of a coordinated run may run on hosts whose wall clocks disagree; each writes its measured
 * offset to the reference injector's clock into its folder ({@value RunFolder#INJECTOR_CLOCK}, read by
 * {@link ClockShift}). Before merging, every time of such a folder (its latency log's start, each interval's start
 * and end, each timeline entry) is moved by {@code -aheadMillis}, so all folders are on the reference's clock: a
 * folder whose clock was 3 s ahead no longer shows its errors and chaos 3 s late. A folder without the file is
 * taken as it is. A single folder is shifted the same way, so its wall times are the same whether it is read alone
 * or merged (its seconds since {@link #t0Millis()} do not change). Identical events are recognised after the shift.
 * The {@code extraTimelines} have no clock file and are taken as they are: they must be on the reference's clock.
 */
public final class ScenarioRun {

    /** File names a run folder holds. */
    public static final String LATENCY_LOG = RunFolder.LATENCY_LOG;
    public static final String TIMELINE = RunFolder.TIMELINE;
    public static final String SUMMARY = RunFolder.SUMMARY_JSON;
    public static final String GATLING_INDEX = "index.html";
    /** The folder, in the host's run folder of a spread run, of the guest injectors' run folders. */
    public static final String INJECTORS = "injectors";

    private final String name;
    private final String title;
    private final long t0Millis;
    private final List<Bucket> buckets;
    private final List<TimelineEntry> timeline;
    private final List<Assertion> assertions;
    private final List<Path> folders;
    private final List<Path> gatlingPages;
    private final List<Traffic> traffic;

    /**
     * What one folder (one injector) recorded: its calls and failed calls, over every method.
     *
     * @param source the folder's name in this run ({@code injector-1}, or the host's run folder)
     */
    public record Traffic(String source, long calls, long failed) {
    }

    private ScenarioRun(String name, String title, long t0Millis, List<Bucket> buckets, List<TimelineEntry> timeline,
            List<Assertion> assertions, List<Path> folders, List<Path> gatlingPages, List<Traffic> traffic) {
        this.name = name;
        this.traffic = List.copyOf(traffic);
        this.title = title;
        this.t0Millis = t0Millis;
        this.buckets = List.copyOf(buckets);
        this.timeline = List.copyOf(timeline);
        this.assertions = List.copyOf(assertions);
        this.folders = List.copyOf(folders);
        this.gatlingPages = List.copyOf(gatlingPages);
    }

    /** True when {@code folder} holds a run's latency log. */
    public static boolean isRunFolder(Path folder) {
        return Files.isRegularFile(folder.resolve(LATENCY_LOG));
    }

    /**
     * Reads one run folder, its times shifted by its {@value RunFolder#INJECTOR_CLOCK} when it has one; a run spread
     * over several injector JVMs is merged with the guests' folders the host gathered into it
     * ({@link #withInjectors}).
     */
    public static ScenarioRun read(Path folder) {
        return read(withInjectors(folder));
    }

    /**
     * {@code folder} and, when it is the host's folder of a run spread over several injectors, the guests' run
     * folders gathered in its {@value #INJECTORS} folder, in name order.
     */
    public static List<Path> withInjectors(Path folder) {
        List<Path> folders = new ArrayList<>(List.of(folder));
        Path guests = folder.resolve(INJECTORS);
        if (Files.isDirectory(guests)) {
            try (Stream<Path> list = Files.list(guests)) {
                list.filter(ScenarioRun::isRunFolder).sorted().forEach(folders::add);
            } catch (IOException e) {
                throw new RunFormatException("cannot list the injectors' folders in " + guests + ": " + e, e);
            }
        }
        return folders;
    }

    /**
     * Reads and merges the run folders of one scenario (one per injector).
     *
     * @throws IllegalArgumentException when {@code folders} is empty
     * @throws RunFormatException       when a folder has no latency log, a file cannot be read or a folder's
     *                                  {@value RunFolder#INJECTOR_CLOCK} is malformed
     */
    public static ScenarioRun read(List<Path> folders) {
        return read(folders, List.of());
    }

    /**
     * Reads and merges the run folders of one scenario, adding the events of {@code extraTimelines} (timeline files
     * kept apart from any injector, such as the fleet's chaos timeline when injectors run on other hosts).
     *
     * @throws IllegalArgumentException when {@code folders} is empty
     * @throws RunFormatException       when a folder has no latency log, a file cannot be read or a folder's
     *                                  {@value RunFolder#INJECTOR_CLOCK} is malformed
     */
    public static ScenarioRun read(List<Path> folders, List<Path> extraTimelines) {
        if (folders.isEmpty()) {
            throw new IllegalArgumentException("no run folder given");
        }
        List<LatencyLog> logs = new ArrayList<>();
        List<ClockShift> shifts = new ArrayList<>();
        for (Path f : folders) {
            if (!isRunFolder(f)) {
                throw new RunFormatException(f + " is not a run folder: it has no " + LATENCY_LOG);
            }
            ClockShift shift = ClockShift.read(f);
            shifts.add(shift);
            logs.add(LatencyLog.read(f.resolve(LATENCY_LOG)).shifted(shift.millis()));
        }
        long t0 = logs.stream().mapToLong(LatencyLog::startMillis).min().orElseThrow();
        List<String> sourceNames = sourceNames(folders);
        List<Traffic> traffic = new ArrayList<>();
        for (int i = 0; i < logs.size(); i++) {
            long calls = 0;
            long failed = 0;
            for (LatencyLog.Interval interval : logs.get(i).intervals()) {
                if (interval.tag().allProviders()) {
                    calls += interval.histogram().getTotalCount();
                    failed += interval.tag().failed() ? interval.histogram().getTotalCount() : 0;
                }
            }
            traffic.add(new Traffic(sourceNames.get(i), calls, failed));
        }
        Map<Integer, Bucket> byIndex = new LinkedHashMap<>();
        int last = -1;
        for (LatencyLog log : logs) {
            for (LatencyLog.Interval i : log.intervals()) {
                int k = (int) Math.max(0, Math.round((i.endMillis() - t0) / 1000.0) - 1);
                byIndex.computeIfAbsent(k, Bucket::new).add(i.tag(), i.histogram());
                last = Math.max(last, k);
            }
        }
        List<Bucket> buckets = new ArrayList<>();
        for (int k = 0; k <= last; k++) {
            buckets.add(byIndex.getOrDefault(k, new Bucket(k)));
        }
        List<TimelineEntry> timeline = new ArrayList<>();
        List<Assertion> assertions = new ArrayList<>();
        List<Path> pages = new ArrayList<>();
        String title = null;
        List<String> sources = sourceNames;
        for (int i = 0; i < folders.size(); i++) {
            Path f = folders.get(i);
            String source = sources.get(i);
            if (Files.isRegularFile(f.resolve(TIMELINE))) {
                for (TimelineEntry read : TimelineFile.read(f.resolve(TIMELINE), source)) {
                    TimelineEntry e = read.shifted(shifts.get(i).millis());
                    if (timeline.stream().noneMatch(e::sameEvent)) {
                        timeline.add(e);
                    }
                }
            }
            Path index = f.resolve(GATLING_INDEX);
            if (Files.isRegularFile(index)) {
                pages.add(index);
                for (Assertion a : GatlingReport.assertions(index)) {
                    assertions.add(folders.size() == 1 ? a : new Assertion(source + ": " + a.text(), a.passed()));
                }
                if (title == null) {
                    title = GatlingReport.title(index).orElse(null);
                }
            }
        }
        for (Path extra : extraTimelines) {
            for (TimelineEntry e : TimelineFile.read(extra, String.valueOf(extra.getFileName()))) {
                if (timeline.stream().noneMatch(e::sameEvent)) {
                    timeline.add(e);
                }
            }
        }
        timeline.sort(Comparator.comparingLong(TimelineEntry::wallMillis));
        String name = nameOf(folders.get(0));
        if (title == null) {
            title = name;
        }
        return new ScenarioRun(name, title, t0, buckets, timeline, assertions, folders, pages, traffic);
    }

    /** Each folder's name, or parent/name where two folders share a name (injectors' copies of one run). */
    private static List<String> sourceNames(List<Path> folders) {
        List<String> names = new ArrayList<>();
        for (Path f : folders) {
            names.add(String.valueOf(f.toAbsolutePath().normalize().getFileName()));
        }
        if (names.stream().distinct().count() == names.size()) {
            return names;
        }
        List<String> longer = new ArrayList<>();
        for (Path f : folders) {
            Path p = f.toAbsolutePath().normalize();
            longer.add(p.getParent() == null ? p.toString() : p.getParent().getFileName() + "/" + p.getFileName());
        }
        return longer;
    }

    /** The simulation's name from its summary, else the run folder's name less its {@code -<timestamp>}. */
    static String nameOf(Path folder) {
        Path summary = folder.resolve(SUMMARY);
        if (Files.isRegularFile(summary)) {
            try {
                JsonNode n = new ObjectMapper().readTree(summary.toFile()).get("simulation");
                if (n != null && n.isTextual() && !n.asText().isBlank()) {
                    return n.asText();
                }
            } catch (IOException e) {
                throw new RunFormatException(summary + ": not JSON: " + e.getMessage(), e);
            }
        }
        String f = Objects.requireNonNull(folder.toAbsolutePath().getFileName(), "folder").toString();
        int dash = f.lastIndexOf('-');
        return dash > 0 ? f.substring(0, dash) : f;
    }

    /** The scenario's name as the run recorded it, e.g. {@code crashonesimulation}. */
    public String name() {
        return name;
    }

    /** A name for people: the simulation's class name when Gatling's page gives it, else {@link #name()}. */
    public String title() {
        return title;
    }

    /** Epoch ms of second 0 of {@link #buckets()}: the start of the earliest latency log. */
    public long t0Millis() {
        return t0Millis;
    }

    /** One bucket per second from t0 to the last recorded interval, none missing. */
    public List<Bucket> buckets() {
        return buckets;
    }

    /** Every timeline entry of every folder, by wall clock. */
    public List<TimelineEntry> timeline() {
        return timeline;
    }

    /** Seconds since t0 of {@code wallMillis}. */
    public double seconds(long wallMillis) {
        return (wallMillis - t0Millis) / 1000.0;
    }

    /** Gatling's assertions (each prefixed with its folder when several were merged). */
    public List<Assertion> assertions() {
        return assertions;
    }

    /** The folders read. */
    public List<Path> folders() {
        return folders;
    }

    /** The calls of each folder read (each injector's share, for a merged run), in the order of {@link #folders()}. */
    public List<Traffic> traffic() {
        return traffic;
    }

    /** Gatling's {@code index.html} of each folder that has one. */
    public List<Path> gatlingPages() {
        return gatlingPages;
    }
}
