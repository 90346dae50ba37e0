package dev.rpcharness.loadtest.spread;

import dev.rpcharness.injectors.InjectorLauncher;
import dev.rpcharness.injectors.LostInjectorPolicy;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * How a load run is spread over injector JVMs, read from its system properties. Immutable.
 *
 * <ul>
 *   <li>{@code rpc.injectors=N} (1 by default): the run has N injectors; the JVM given it without an index is the
 *       <em>host</em> (injector 0): it holds the fleet and launches injectors 1 to N-1 on this machine;</li>
 *   <li>{@code rpc.injector.index=i} with {@code rpc.coordinator=host:port} and {@code rpc.run.id}: this JVM is
 *       <em>guest</em> injector i of that run (set by the host for the JVMs it launches; set by hand, with
 *       {@code rpc.injectors.launch=false} on the host, for injectors on other machines);</li>
 *   <li>{@code rpc.injectors.onLost=fail|partial}: an injector that dies fails the run (default) or leaves it
 *       partial;</li>
 *   <li>{@code rpc.injectors.barrierSeconds} (120): how long the start and end barriers wait;</li>
 *   <li>{@code rpc.injectors.launch} (true): whether the host starts injectors 1 to N-1 itself;</li>
 *   <li>{@code rpc.history.dir}: where a guest records its client's call history (set by the host);</li>
 *   <li>{@code rpc.injectors.abortIfErrorPercent=X} (host): an injector whose failed calls pass X% of its ended
 *       calls (from 100 on, checked each second) aborts the run: every injector stops sending within about 200 ms
 *       and the run fails naming it, like Gatling's {@code exitHereIfFailed} for the whole run.</li>
 * </ul>
 *
 * @param injectors how many injectors the run has, at least 1
 * @param index this injector's index, 0 for the host (and for a run of one)
 * @param coordinator ZooKeeper coordinating the run, or null for the host to start its own
 * @param runId the run's id, or null for the host to name it
 * @param onLost what an injector's death does to the run
 * @param barrierTimeout the barriers' bound
 * @param launch whether the host launches the other injectors
 * @param historyDir where a guest writes its call history, or null
 * @param abortIfErrorPercent NaN, or (the host's {@code rpc.injectors.abortIfErrorPercent}) the share of failed calls
 *     over which an injector stops the whole run: every injector stops sending, and the run fails naming it
 */
public record SpreadProperties(int injectors, int index, String coordinator, String runId,
        LostInjectorPolicy onLost, Duration barrierTimeout, boolean launch, Path historyDir,
        double abortIfErrorPercent) {

    /** The guest's call-history folder property. */
    public static final String HISTORY_DIR = "rpc.history.dir";

    private static final Set<String> PLACEMENT = Set.of(InjectorLauncher.INJECTORS, InjectorLauncher.INDEX,
            InjectorLauncher.COORDINATOR, InjectorLauncher.RUN_ID, "rpc.zookeeper", "rpc.fleet", "rpc.basePath",
            "rpc.resultsDir", HISTORY_DIR, "rpc.injectors.launch");

    private static final List<String> JVM_OWN = List.of("java.", "jdk.", "sun.", "user.", "file.", "os.", "line.",
            "path.", "native.", "awt.", "jna.", "com.sun.", "javax.");

    /** A run of one injector. */
    public static final SpreadProperties SOLO = new SpreadProperties(1, 0, null, null, LostInjectorPolicy.FAIL,
            Duration.ofSeconds(120), true, null, Double.NaN);

    /**
     * The spread described by {@code properties}.
     *
     * @throws IllegalArgumentException naming the property whose value is bad or missing
     */
    public static SpreadProperties from(Properties properties) {
        int injectors = integer(properties, InjectorLauncher.INJECTORS, 1);
        if (injectors < 1 || injectors > 64) {
            throw new IllegalArgumentException(InjectorLauncher.INJECTORS + " must be 1 to 64, was " + injectors);
        }
        String indexValue = properties.getProperty(InjectorLauncher.INDEX, "").trim();
        int index = indexValue.isEmpty() ? 0 : integer(properties, InjectorLauncher.INDEX, 0);
        String coordinator = blankToNull(properties.getProperty(InjectorLauncher.COORDINATOR));
        String runId = blankToNull(properties.getProperty(InjectorLauncher.RUN_ID));
        if (!indexValue.isEmpty()) {
            if (index < 1 || index >= injectors) {
                throw new IllegalArgumentException(InjectorLauncher.INDEX + " must be 1 to " + (injectors - 1)
                        + " for a run of " + injectors + " injectors (0 is the host), was " + index);
            }
            if (coordinator == null || runId == null) {
                throw new IllegalArgumentException("injector " + index + " needs " + InjectorLauncher.COORDINATOR
                        + "=host:port and " + InjectorLauncher.RUN_ID + " to join its run");
            }
        }
        String lost = properties.getProperty("rpc.injectors.onLost", "fail").trim().toUpperCase(Locale.ROOT);
        LostInjectorPolicy onLost;
        try {
            onLost = LostInjectorPolicy.valueOf(lost);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("rpc.injectors.onLost must be fail or partial, was '"
                    + properties.getProperty("rpc.injectors.onLost") + "'", e);
        }
        int barrier = integer(properties, "rpc.injectors.barrierSeconds", 120);
        if (barrier < 1) {
            throw new IllegalArgumentException("rpc.injectors.barrierSeconds must be at least 1, was " + barrier);
        }
        boolean launch = Boolean.parseBoolean(properties.getProperty("rpc.injectors.launch", "true").trim());
        String history = blankToNull(properties.getProperty(HISTORY_DIR));
        String abort = properties.getProperty("rpc.injectors.abortIfErrorPercent", "").trim();
        double abortIfErrorPercent = Double.NaN;
        if (!abort.isEmpty()) {
            try {
                abortIfErrorPercent = Double.parseDouble(abort);
            } catch (NumberFormatException e) {
                abortIfErrorPercent = -1;
            }
            if (!(abortIfErrorPercent >= 0 && abortIfErrorPercent <= 100)) {
                throw new IllegalArgumentException("rpc.injectors.abortIfErrorPercent must be a percentage from 0 to "
                        + "100, was '" + abort + "'");
            }
        }
        return new SpreadProperties(injectors, index, coordinator, runId, onLost, Duration.ofSeconds(barrier),
                launch, history == null ? null : Paths.get(history), abortIfErrorPercent);
    }

    /**
     * The system properties the host passes on to the injectors it launches: every {@code rpc.*} and
     * {@code gatling.*} property, the HTTP(S) proxy settings, those named in {@code rpc.injectors.forward}
     * (comma-separated), and every {@code -Dname=value} this JVM was started with (a simulation's own settings,
     * as Gatling's Maven plugin passes them), less the JVM's own ({@code java.*}, {@code user.*} and the like) and
     * the ones that place a JVM in the run (the host sets those for each guest).
     */
    public static Map<String, String> forwarded(Properties properties) {
        return forwarded(properties, ManagementFactory.getRuntimeMXBean().getInputArguments());
    }

    /** {@link #forwarded(Properties)} with the JVM's start arguments given. */
    static Map<String, String> forwarded(Properties properties, List<String> jvmArguments) {
        Set<String> given = new TreeSet<>();
        for (String arg : jvmArguments) {
            int eq = arg.indexOf('=');
            if (arg.startsWith("-D") && eq > 2) {
                given.add(arg.substring(2, eq));
            }
        }
        Set<String> named = new TreeSet<>();
        for (String n : properties.getProperty("rpc.injectors.forward", "").split(",")) {
            if (!n.isBlank()) {
                named.add(n.trim());
            }
        }
        Map<String, String> forwarded = new TreeMap<>();
        for (String key : properties.stringPropertyNames()) {
            boolean ours = key.startsWith("rpc.") || key.startsWith("gatling.") || key.startsWith("https.proxy")
                    || key.startsWith("http.proxy") || named.contains(key)
                    || given.contains(key) && JVM_OWN.stream().noneMatch(key::startsWith);
            if (ours && !PLACEMENT.contains(key)) {
                forwarded.put(key, properties.getProperty(key));
            }
        }
        return forwarded;
    }

    /**
     * This spread, checked against the target it is for.
     *
     * @param simulationKnown whether the target was built for a simulation class (every injector runs it)
     * @param externalFleet whether the target calls a fleet running elsewhere ({@code rpc.fleet=external})
     * @throws IllegalArgumentException naming what the spread needs and the target lacks
     */
    public SpreadProperties checkedFor(boolean simulationKnown, boolean externalFleet) {
        if (spread() && !simulationKnown) {
            throw new IllegalArgumentException("rpc.injectors=" + injectors + " needs a target built with "
                    + "LoadTarget.builder(SimulationClass.class): every injector runs that simulation");
        }
        if (host() && externalFleet) {
            throw new IllegalArgumentException("rpc.injectors=" + injectors + " spreads the load on an embedded "
                    + "cluster; for an external fleet (rpc.fleet=external) start each injector with "
                    + "rpc.injector.index yourself");
        }
        if (guest() && !externalFleet) {
            throw new IllegalArgumentException("injector " + index + " calls the host's fleet: it needs "
                    + "rpc.fleet=external and rpc.zookeeper=host:port (the host passes them to the JVMs it starts)");
        }
        return this;
    }

    /** Whether the run has more than one injector. */
    public boolean spread() {
        return injectors > 1;
    }

    /** Whether this JVM is the host of a spread run: it holds the fleet. */
    public boolean host() {
        return spread() && index == 0;
    }

    /** Whether this JVM is a guest injector of a spread run. */
    public boolean guest() {
        return spread() && index > 0;
    }

    private static int integer(Properties properties, String name, int otherwise) {
        String value = properties.getProperty(name, "").trim();
        if (value.isEmpty()) {
            return otherwise;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, was '" + value + "'", e);
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
