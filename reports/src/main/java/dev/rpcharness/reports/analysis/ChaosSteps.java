package dev.rpcharness.reports.analysis;

import dev.rpcharness.reports.run.ScenarioRun;
import dev.rpcharness.reports.run.TimelineEntry;
import dev.rpcharness.run.TimelineAction;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
            Optional<TimelineAction> known = TimelineAction.ofLabel(a);
            if (known.map(TimelineAction::isBookkeeping).orElse(false)) {
                continue;
            }
            String key = e.subject() + "|" + memberOf(e);
            boolean ended = false;
            for (Map.Entry<String, TimelineEntry> o : List.copyOf(open.entrySet())) {
                TimelineEntry begin = o.getValue();
                boolean sameBand = o.getKey().equals(key)
                        || (a.equals("link-heal") && o.getKey().startsWith(e.subject() + "|"));
                if (sameBand && known.isPresent()
                        && TimelineAction.ofLabel(begin.action()).orElseThrow().endedBy().contains(known.get())) {
                    open.remove(o.getKey());
                    steps.add(step(run, begin, addressByName, run.seconds(e.wallMillis()), a));
                    ended = true;
                }
            }
            if (known.map(k -> !k.endedBy().isEmpty()).orElse(false) && !(a.equals("fault-plan") && e.detail().contains("FaultPlan[none]"))) {
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

    /**
     * What keeps bands of one subject apart: the ensemble member of a zk- step, the toxic's name (the detail's first
     * word; {@code cut} for a partition) of a link step. A link-heal ends every band of its subject.
     */
    private static String memberOf(TimelineEntry e) {
        if (e.action().startsWith("link-") && !e.action().equals("link-heal")) {
            int space = e.detail().indexOf(' ');
            return space < 0 ? e.detail() : e.detail().substring(0, space);
        }
        return e.action().startsWith("zk-") && e.detail().startsWith("member ") ? e.detail() : "";
    }

    private static ChaosStep step(ScenarioRun run, TimelineEntry e, Map<String, String> addressByName, Double end,
            String endKind) {
        String address = e.address() != null ? e.address() : addressByName.get(e.subject());
        if ("zookeeper".equals(e.subject())) {
            address = null;
        }
        Optional<TimelineAction> known = TimelineAction.ofLabel(e.action());
        String word = known.map(TimelineAction::stateName).orElse(e.action());
        String label = e.action().startsWith("zk-") ? word + memberSuffix(e) : (e.subject() + " " + word).trim();
        boolean chaos = known.map(TimelineAction::isChaosStep).orElse(false)
                || e.action().endsWith(TimelineAction.FAILED_SUFFIX);
        return new ChaosStep(e.action(), label, e.subject(), address, run.seconds(e.wallMillis()), end, endKind,
                chaos);
    }

    private static String memberSuffix(TimelineEntry e) {
        return e.detail().startsWith("member ") ? " (" + e.detail() + ")" : "";
    }
}
