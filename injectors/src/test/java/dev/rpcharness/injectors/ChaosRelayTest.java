package dev.rpcharness.injectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A host and candidates on a real ZooKeeper, each with its own session: the host runs every step once, claimed by
 * the conductor; a conductor whose session ends hands the next steps to another candidate, none repeated.
 */
class ChaosRelayTest {

    private Fleet fleet;
    /** Every run of a step by the host, by name. */
    private final List<String> ran = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startZooKeeper() throws Exception {
        fleet = new Fleet();
    }

    @AfterEach
    void closeAll() throws Exception {
        fleet.close();
    }

    private record Member(CuratorFramework client, InjectorRun run, ChaosRelay relay) {
    }

    /** Injector 0 is the host, the others candidates; all past the start barrier. */
    private List<Member> startRun(String runId, int injectors, Duration wait) throws Exception {
        List<Member> members = new ArrayList<>();
        for (Fleet.Joined j : fleet.startRun(RunSpec.of(runId, "CrashOne", 7, injectors)
                .withBarrierTimeout(Duration.ofSeconds(20)))) {
            ChaosRelay relay = j.run().index() == 0 ? ChaosRelay.host(j.run(), wait)
                    : ChaosRelay.candidate(j.run(), wait);
            members.add(new Member(j.client(), j.run(), fleet.closeAtEnd(relay)));
        }
        return members;
    }

    /** The host's side of one step: wait for the claim, run, settle. */
    private Future<StepClaim> hostStep(Member host, String name) {
        return fleet.threads.submit(() -> {
            StepClaim claim = host.relay().awaitClaim(name);
            ran.add(name);
            return host.relay().settle(claim, true);
        });
    }

    private Future<StepClaim> candidateStep(Member candidate, String name) {
        return fleet.threads.submit(() -> candidate.relay().conduct(name));
    }

    private Member conductor(List<Member> members) {
        await().atMost(Duration.ofSeconds(10)).until(() -> members.stream().anyMatch(m -> m.relay().isConductor()));
        return members.stream().filter(m -> m.relay().isConductor()).findFirst().orElseThrow();
    }

    @Test
    void theHostRunsEachStepOnceClaimedByTheConductorAndEveryCandidateSeesItSettled() throws Exception {
        List<Member> members = startRun("relay-once", 3, Duration.ofSeconds(20));
        Member host = members.get(0);
        String conductor = conductor(members).run().id();
        assertThat(host.relay().isConductor()).isFalse();

        for (String step : List.of("crash provider 1", "restart provider 1", "crash provider 1")) {
            Future<StepClaim> h = hostStep(host, step);
            List<Future<StepClaim>> c = List.of(candidateStep(members.get(1), step),
                    candidateStep(members.get(2), step));
            assertThat(h.get(20, TimeUnit.SECONDS).injector()).isEqualTo(conductor);
            for (Future<StepClaim> f : c) {
                StepClaim settled = f.get(20, TimeUnit.SECONDS);
                assertThat(settled.state()).isEqualTo(StepClaim.DONE);
                assertThat(settled.injector()).isEqualTo(conductor);
                assertThat(settled.step()).isEqualTo(step);
            }
        }
        assertThat(ran).containsExactly("crash provider 1", "restart provider 1", "crash provider 1");
        assertThat(host.relay().claims()).hasSize(3).extracting(StepClaim::index).containsExactlyInAnyOrder(0, 1, 0);
    }

    @Test
    void whenTheConductorDiesAnotherCandidateClaimsTheRemainingStepsAndNoneRunsTwice() throws Exception {
        List<Member> members = startRun("relay-takeover", 3, Duration.ofSeconds(20));
        Member host = members.get(0);
        Member first = conductor(members);
        Member other = members.get(1) == first ? members.get(2) : members.get(1);

        Future<StepClaim> h1 = hostStep(host, "crash provider 1");
        candidateStep(first, "crash provider 1").get(20, TimeUnit.SECONDS);
        candidateStep(other, "crash provider 1").get(20, TimeUnit.SECONDS);
        assertThat(h1.get(20, TimeUnit.SECONDS).injector()).isEqualTo(first.run().id());

        first.client().close(); // the conductor's JVM dies: its session, member and latch nodes go
        Future<StepClaim> h2 = hostStep(host, "restart provider 1");
        StepClaim second = candidateStep(other, "restart provider 1").get(20, TimeUnit.SECONDS);

        assertThat(second.injector()).isEqualTo(other.run().id());
        assertThat(second.state()).isEqualTo(StepClaim.DONE);
        assertThat(h2.get(20, TimeUnit.SECONDS).injector()).isEqualTo(other.run().id());
        assertThat(ran).containsExactly("crash provider 1", "restart provider 1");
        await().atMost(Duration.ofSeconds(10)).until(() -> host.run().lost().contains(first.run().id()));
    }

    @Test
    void withNoCandidateAliveTheHostClaimsTheStepItself() throws Exception {
        List<Member> members = startRun("relay-alone", 2, Duration.ofSeconds(20));
        Member host = members.get(0);
        members.get(1).client().close();
        await().atMost(Duration.ofSeconds(10)).until(() -> host.run().lost().size() == 1);

        StepClaim claim = hostStep(host, "crash provider 0").get(10, TimeUnit.SECONDS);

        assertThat(claim.injector()).isEqualTo(host.run().id());
        assertThat(ran).containsExactly("crash provider 0");
    }

    @Test
    void everyInjectorGetsTheHostsVerdictOfEachCheckInOrder() throws Exception {
        List<Member> members = startRun("relay-checks", 3, Duration.ofSeconds(20));
        Member host = members.get(0);

        Future<Optional<String>> first = fleet.threads.submit(() -> members.get(1).relay().awaitCheck("ejected"));
        Future<Optional<String>> second = fleet.threads.submit(() -> {
            members.get(2).relay().awaitCheck("ejected");
            return members.get(2).relay().awaitCheck("ejected");
        });
        host.relay().publishCheck("ejected", null);
        host.relay().publishCheck("ejected", "p1 not ejected within 1500 ms");

        assertThat(first.get(20, TimeUnit.SECONDS)).isEmpty();
        assertThat(second.get(20, TimeUnit.SECONDS)).contains("p1 not ejected within 1500 ms");
        ChaosRelay impatient = fleet.closeAtEnd(ChaosRelay.candidate(members.get(1).run(), Duration.ofMillis(300)));
        assertThatThrownBy(() -> impatient.awaitCheck("never evaluated"))
                .isInstanceOf(InjectorRunException.class)
                .hasMessageContaining("no verdict of check 'never evaluated' within 300 ms");
    }

    @Test
    void aStepNobodySettlesFailsTheCandidateWithinItsWaitNamingTheStep() throws Exception {
        List<Member> members = startRun("relay-unsettled", 2, Duration.ofMillis(600));
        Member candidate = members.get(1);
        conductor(members);

        long began = System.nanoTime();
        assertThatThrownBy(() -> candidate.relay().conduct("freeze provider 2"))
                .isInstanceOf(InjectorRunException.class)
                .hasMessageContaining("'freeze provider 2' was not settled within 600 ms")
                .hasMessageContaining("claimed by " + candidate.run().id());
        assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(5));
    }
}
