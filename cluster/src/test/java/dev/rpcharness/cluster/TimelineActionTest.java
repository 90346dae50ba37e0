package dev.rpcharness.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rpcharness.consumer.ConsumerClient;
import dev.rpcharness.consumer.RoutingEvent;
import dev.rpcharness.link.LinkDirection;
import dev.rpcharness.link.Toxic;
import dev.rpcharness.provider.demo.EchoService;
import dev.rpcharness.provider.demo.EchoServiceImpl;
import dev.rpcharness.provider.fault.FaultPlan;
import dev.rpcharness.run.TimelineAction;
import dev.rpcharness.run.TimelineEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** The names a cluster records, the names {@link TimelineAction} gives and the names docs/timeline.md lists agree. */
class TimelineActionTest {

    /** Recorded by an ensemble or by other modules (the JUnit extension, the load target), not by this test. */
    private static final Set<TimelineAction> NOT_EXERCISED_HERE = EnumSet.of(TimelineAction.ZK_KILL_SERVER,
            TimelineAction.ZK_RESTART_SERVER, TimelineAction.PROVIDER_REREGISTER,
            TimelineAction.PROVIDER_REREGISTER_FAILED, TimelineAction.TEST_START,
            TimelineAction.TEST_END, TimelineAction.WARM_UP, TimelineAction.CHAOS_FAILED,
            TimelineAction.CLIENT_LISTED, TimelineAction.CLIENT_DELISTED, TimelineAction.CLIENT_CONNECTED,
            TimelineAction.CLIENT_DISCONNECTED, TimelineAction.CLIENT_EJECTED, TimelineAction.CLIENT_RETURNED,
            TimelineAction.CLIENT_THROTTLED, TimelineAction.CLIENT_UNTHROTTLED,
            TimelineAction.INJECTOR_START, TimelineAction.INJECTOR_STOP,
            TimelineAction.CHAOS_CLAIMED,
            // the link steps: everyLinkStepIsRecordedUnderItsDocumentedName
            TimelineAction.LINK_TOXIC, TimelineAction.LINK_RESET, TimelineAction.LINK_TOXIC_REMOVED,
            TimelineAction.LINK_CUT, TimelineAction.LINK_HEAL);

    private static final Set<TimelineAction> LINK_STEPS = EnumSet.of(TimelineAction.LINK_TOXIC,
            TimelineAction.LINK_RESET, TimelineAction.LINK_TOXIC_REMOVED, TimelineAction.LINK_CUT,
            TimelineAction.LINK_HEAL);

    @Test
    void everyRoutingEventKindOfAClientHasATimelineAction() {
        for (RoutingEvent.Kind kind : RoutingEvent.Kind.values()) {
            String action = new RoutingEvent(kind, "127.0.0.1:1", "", 0).action();
            assertThat(TimelineAction.ofLabel(action)).as(kind + " as " + action).isPresent();
            assertThat(ClusterClients.actionOf(kind).label()).as("the cluster records " + kind + " as the client"
                    + " names it").isEqualTo(action);
        }
    }

    @Test
    void aClientsRoutingEventsAreRecordedUnderTheProvidersNames() throws Exception {
        try (RpcCluster cluster = RpcCluster.builder().providers(2).serve(EchoService.class, EchoServiceImpl::new)
                .build()) {
            ConsumerClient client = cluster.newClient();
            assertThat(client.create(EchoService.class).echo("hi")).isEqualTo("hi");
            Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                    assertThat(cluster.timeline().events())
                            .filteredOn(e -> e.action().equals(TimelineAction.CLIENT_CONNECTED.label()))
                            .extracting(TimelineEvent::subject)
                            .contains(TimelineAction.providerName(0), TimelineAction.providerName(1)));
        }
    }

    @Test
    void everyChaosStepAndProviderChangeIsRecordedUnderItsDocumentedName() {
        List<TimelineEvent> events;
        RpcCluster cluster = RpcCluster.builder().providers(2).serve(EchoService.class, EchoServiceImpl::new)
                .build();
        try {
            assertThat(cluster.provider(1).name()).isEqualTo(TimelineAction.providerName(1));
            cluster.faultPlan(0, FaultPlan.none());
            cluster.freeze(0);
            cluster.thaw(0);
            cluster.crash(0);
            cluster.restart(0);
            cluster.stop(1);
            cluster.restart(1);
            cluster.expireSession(1);
            cluster.stopZooKeeper();
            cluster.restartZooKeeper();
        } finally {
            cluster.close();
            events = cluster.timeline().events();
        }

        Set<String> recorded = events.stream().map(TimelineEvent::action)
                .collect(Collectors.toCollection(LinkedHashSet::new));
        assertThat(recorded).as("every recorded action is a TimelineAction")
                .allMatch(a -> TimelineAction.ofLabel(a).isPresent()
                        || a.equals(TimelineAction.PROVIDER_REREGISTER.label()));
        Set<String> expected = EnumSet.complementOf(EnumSet.copyOf(NOT_EXERCISED_HERE)).stream()
                .map(TimelineAction::label).collect(Collectors.toSet());
        assertThat(recorded).as("every TimelineAction this test exercises was recorded").containsAll(expected);
        assertThat(events).filteredOn(e -> e.action().equals("crash")).extracting(TimelineEvent::subject)
                .containsExactly(TimelineAction.providerName(0));
    }

    @Test
    void everyLinkStepIsRecordedUnderItsDocumentedName() {
        List<TimelineEvent> events;
        try (RpcCluster cluster = RpcCluster.builder().providers(1).links(true).build()) {
            ClusterLinks links = cluster.links();
            links.addToxic(links.clientToProvider("p0"), Toxic.latency(LinkDirection.DOWNSTREAM,
                    Duration.ofMillis(1), Duration.ZERO));
            links.removeToxic(links.clientToProvider("p0"), "latency_downstream");
            links.addToxic(links.providerToZooKeeper("p0"), Toxic.resetPeer(LinkDirection.UPSTREAM,
                    Duration.ofSeconds(60)));
            links.cutClientFromZooKeeper();
            links.heal();
            events = cluster.timeline().events();
        }
        Set<String> recorded = events.stream().map(TimelineEvent::action).collect(Collectors.toSet());
        assertThat(recorded).containsAll(LINK_STEPS.stream().map(TimelineAction::label).toList());
        assertThat(events).filteredOn(e -> e.action().startsWith("link-")).extracting(TimelineEvent::subject)
                .containsExactly("p0", "p0", "p0-zookeeper", "client-zookeeper", "client-zookeeper", "p0-zookeeper");
    }

    @Test
    void docsTimelineTableListsExactlyTheActionsOfTheCode() throws Exception {
        Path doc = Path.of("..", "docs", "timeline.md");
        String text = Files.readString(doc);
        Matcher rows = Pattern.compile("(?m)^\\| `([a-zA-Z-]+)` \\|").matcher(text);
        Set<String> documented = new LinkedHashSet<>();
        while (rows.find()) {
            documented.add(rows.group(1));
        }

        assertThat(documented).containsExactlyInAnyOrderElementsOf(
                Arrays.stream(TimelineAction.values()).map(TimelineAction::label).toList());
        assertThat(text).contains("`" + TimelineAction.FAILED_SUFFIX + "`").contains("`p0`");
    }

    @Test
    void everyEventAFakeProviderFiresHasATimelineAction() throws Exception {
        Path sources = Path.of("..", "fake-provider", "src", "main", "java", "dev", "rpcharness", "provider");
        Pattern fire = Pattern.compile("fire\\(\"([a-zA-Z-]+)\"");
        Set<String> fired = new LinkedHashSet<>();
        try (var files = Files.walk(sources)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Matcher m = fire.matcher(Files.readString(file));
                while (m.find()) {
                    fired.add(m.group(1));
                }
            }
        }
        assertThat(fired).as("events the provider fires").contains("crash", "reregister-failed");
        assertThat(fired).allSatisfy(action -> assertThat(TimelineAction.ofLabel("provider-" + action))
                .as("provider-" + action).isPresent());
    }
}
