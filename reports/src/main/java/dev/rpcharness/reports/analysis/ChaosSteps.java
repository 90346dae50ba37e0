package dev.rpcharness.reports.analysis;

import dev.rpcharness.reports.run.ScenarioRun;
import dev.rpcharness.reports.run.TimelineEntry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds the chaos steps in a run's timeline. A step that begins an interval is paired with the next step that ends
 * it on the same subject: crash or stop until restart, freeze until thaw, zk-stop until zk-restart, a ZooKeeper
 * member killed until restarted, a fault plan until the next fault plan of that provider. A beginning never ended
 * lasts to the end of the run; every other step (expire-session, an end without a beginning, a failed step, a
 * routing event) is an instant. Start-up and shut-down bookkeeping (cluster and provider start, registration,
 * warm-up, close) and the providers' own echoes of the cluster's steps are left out. Any other event (a routing
 * event of the client, a user mark) is kept as an instant that is not {@linkplain ChaosStep#chaos() chaos}: it is
 * drawn, but neither has a recovery nor ends another step's recovery window. Stateless.
 */
public final class ChaosSteps {

    /** Beginning action to the actions that end it. */
    private static final Map<String, Set<String>> ENDS = Map.of(
            "crash", Set.of("restart"),
            "stop", Set.of("restart"),
            "freeze", Set.of("thaw"),
            "zk-stop", Set.of("zk-restart"),
            "zk-kill-server", Set.of("zk-restart-server"),
            "fault-plan", Set.of("fault-plan"));
    private static final Map<String, String> WORDS = Map.of(
            "crash", "crashed", "stop", "stopped", "freeze", "frozen", "zk-stop", "ZooKeeper down",
            "zk-kill-server", "ZooKeeper member down", "fault-plan", "fault plan");
    private static final Set<String> NOT_CHAOS = Set.of("cluster-start", "cluster-close", "warm-up",
            "injector-start", "injector-stop");
    /** Instant steps the harness performs; with the beginnings and ends above, the actions that are chaos. */
    private static final Set<String> INSTANT_CHAOS = Set.of("expire-session", "restart", "thaw", "zk-restart",
            "zk-restart-server");

    private ChaosSteps() {
    }

    /** Provider addresses to names ({@code 127.0.0.1:20881 -> p1}) as the timeline introduced them. */
    public static Map<String, String> providerNames(ScenarioRun run) {
        Map<String, String> names = new LinkedHashMap<>();
        for (TimelineEntry e : run.timeline()) {
            if (e.action().startsWith("provider-") && e.address() != null && !e.subject().isEmpty()) {
                names.putIfAbsent(e.address(), e.subject());
            }
        }
        return names;
    }

    /** The chaos steps of {@code run}, by start time. */
    public static List<ChaosStep> of(ScenarioRun run) {
        double runEnd = run.buckets().size();
        Map<String, String> addressByName = new HashMap<>();
        providerNames(run).forEach((address, name) -> addressByName.putIfAbsent(name, address));
        List<ChaosStep> steps = new ArrayList<>();
        Map<String, TimelineEntry> open = new LinkedHashMap<>();
        for (TimelineEntry e : run.timeline()) {
            String a = e.action();
            if (NOT_CHAOS.contains(a) || a.startsWith("provider-")) {
                continue;
            }
            String key = e.subject() + "|" + memberOf(e);
            boolean ended = false;
            for (Map.Entry<String, TimelineEntry> o : List.copyOf(open.entrySet())) {
                TimelineEntry begin = o.getValue();
                if (o.getKey().equals(key) && ENDS.get(begin.action()).contains(a)) {
                    open.remove(o.getKey());
                    steps.add(step(run, begin, addressByName, run.seconds(e.wallMillis()), a));
                    ended = true;
                }
            }
            if (ENDS.containsKey(a) && !(a.equals("fault-plan") && e.detail().contains("FaultPlan[none]"))) {
                open.put(key, e);
            } else if (!ended) {
                steps.add(step(run, e, addressByName, null, null));
            }
        }
        for (TimelineEntry begin : open.values()) {
            steps.add(step(run, begin, addressByName, Math.max(runEnd, run.seconds(begin.wallMillis())), null));
        }
        steps.sort(Comparator.comparingDouble(ChaosStep::start));
        return steps;
    }

    private static String memberOf(TimelineEntry e) {
        return e.action().startsWith("zk-") && e.detail().startsWith("member ") ? e.detail() : "";
    }

    private static ChaosStep step(ScenarioRun run, TimelineEntry e, Map<String, String> addressByName, Double end,
            String endKind) {
        String address = e.address() != null ? e.address() : addressByName.get(e.subject());
        if ("zookeeper".equals(e.subject())) {
            address = null;
        }
        String word = WORDS.getOrDefault(e.action(), e.action());
        String label = e.action().startsWith("zk-") ? word + memberSuffix(e) : (e.subject() + " " + word).trim();
        boolean chaos = ENDS.containsKey(e.action()) || INSTANT_CHAOS.contains(e.action())
                || e.action().endsWith("-failed");
        return new ChaosStep(e.action(), label, e.subject(), address, run.seconds(e.wallMillis()), end, endKind,
                chaos);
    }

    private static String memberSuffix(TimelineEntry e) {
        return e.detail().startsWith("member ") ? " (" + e.detail() + ")" : "";
    }
}
