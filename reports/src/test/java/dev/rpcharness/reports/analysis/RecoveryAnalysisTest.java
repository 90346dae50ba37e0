package dev.rpcharness.reports.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.rpcharness.reports.RunFixture;
import dev.rpcharness.reports.run.ScenarioRun;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecoveryAnalysisTest {

    private static final long T0 = 1_796_000_000_000L;

    @TempDir
    Path dir;

    @Test
    void crashOneFailsFewCallsAtOnceAndTheRestartedProviderServesAgain() {
        ScenarioAnalysis a = ScenarioAnalysis.of(ScenarioRun.read(RunFixture.crashOne(T0).writeTo(dir, "1")));

        assertThat(a.steps()).hasSize(1);
        ChaosStep crash = a.steps().get(0);
        assertThat(crash.label()).isEqualTo("p1 crashed");
        assertThat(crash.address()).isEqualTo("127.0.0.1:20002");
        assertThat(crash.start()).isEqualTo(5.2, within(1e-9));
        assertThat(crash.end()).isEqualTo(10.2, within(1e-9));

        Recovery r = a.recoveries().get(0);
        assertThat(r.errors()).isEqualTo(3);
        assertThat(r.errorsByClass()).isEqualTo(Map.of("connection-lost", 3L));
        assertThat(r.firstErrorAfter()).isEqualTo(0.8, within(1e-9));   // second 5 ends at 6.0
        assertThat(r.errorsEndedAfter()).isEqualTo(0.8, within(1e-9));
        assertThat(r.recovered()).isTrue();
        assertThat(r.trafficReturned()).isTrue();
        assertThat(r.trafficBackAfter()).isEqualTo(1.8, within(1e-9));  // first ok in second 11, ends at 12.0
        assertThat(r.failSpeed()).isEqualTo("at once");
        assertThat(r.failedAtOnce()).isEqualTo(3);
        assertThat(r.failedP50Millis()).isEqualTo(0.2, within(0.001));
    }

    @Test
    void freezeFailsAsTimeoutsUntilJustAfterTheThaw() {
        ScenarioAnalysis a = ScenarioAnalysis.of(ScenarioRun.read(RunFixture.freeze(T0).writeTo(dir, "1")));

        Recovery r = a.recoveries().get(0);
        assertThat(r.step().label()).isEqualTo("p2 frozen");
        assertThat(r.errors()).isEqualTo(100);
        assertThat(r.errorsByClass()).isEqualTo(Map.of("timeout", 100L));
        assertThat(r.firstErrorAfter()).isEqualTo(1.9, within(1e-9));   // second 6 ends at 7.0
        assertThat(r.errorsEndedAfter()).isEqualTo(5.9, within(1e-9));  // second 10 ends at 11.0
        assertThat(r.errorsEndedAfterStepEnd()).isEqualTo(0.9, within(1e-9));
        assertThat(r.recovered()).isTrue();
        assertThat(r.trafficBackAfter()).isEqualTo(1.9, within(1e-9));  // thaw 10.1, ok again in second 11
        assertThat(r.failSpeed()).isEqualTo("at timeout");
        assertThat(r.failedSlowly()).isEqualTo(100);
        assertThat(r.failedP50Millis()).isEqualTo(1000.0, within(1.0));
        assertThat(a.verdict()).isEqualTo(ScenarioAnalysis.Verdict.FAIL);
    }

    @Test
    void routingEventsAreDrawnButNeitherRecoverNorCutTheCrashWindow() {
        RunFixture f = RunFixture.crashOne(T0).event(5.3, "ejected", "127.0.0.1:20002", "3 failures")
                .event(10.5, "connected", "127.0.0.1:20002", "");
        ScenarioAnalysis a = ScenarioAnalysis.of(ScenarioRun.read(f.writeTo(dir, "1")));

        assertThat(a.steps()).extracting(ChaosStep::kind).containsExactly("crash", "ejected", "connected");
        assertThat(a.steps()).extracting(ChaosStep::chaos).containsExactly(true, false, false);
        assertThat(a.recoveries()).hasSize(1);
        assertThat(a.recoveries().get(0).trafficBackAfter()).isEqualTo(1.8, within(1e-9));
    }

    @Test
    void errorsStillComingAtTheEndOfTheRunAreNotRecovered() {
        RunFixture f = new RunFixture("stormsimulation", T0).providers("127.0.0.1:1")
                .okTraffic(0, 9, "127.0.0.1:1", 50, 300)
                .event(4.5, "fault-plan", "p0", "127.0.0.1:1 FaultPlan[seed=1, [error 20%]]");
        for (int k = 5; k <= 9; k++) {
            f.failures(k, "127.0.0.1:1", "remote-error", 10, 400);
        }
        ScenarioAnalysis a = ScenarioAnalysis.of(ScenarioRun.read(f.writeTo(dir, "1")));

        Recovery r = a.recoveries().get(0);
        assertThat(r.step().end()).isEqualTo(10.0); // never replaced: lasts to the end of the run
        assertThat(r.step().endKind()).isNull();
        assertThat(r.errors()).isEqualTo(50);
        assertThat(r.recovered()).isFalse();
        assertThat(r.trafficReturned()).isFalse();
        assertThat(r.trafficBackAfter()).isNull();
    }

    @Test
    void totalsRateAndPercentilesCoverEveryCall() {
        ScenarioAnalysis a = ScenarioAnalysis.of(ScenarioRun.read(RunFixture.freeze(T0).writeTo(dir, "1")));
        assertThat(a.calls()).isEqualTo(20 * 200 + 5 * 100 + 9 * 100 + 100);
        assertThat(a.errors()).isEqualTo(100);
        assertThat(a.errorsByClass()).isEqualTo(Map.of("timeout", 100L));
        assertThat(a.seconds()).isEqualTo(20);
        assertThat(a.rate()).isEqualTo(a.calls() / 20.0, within(1e-9));
        assertThat(a.percentileMillis(50)).isEqualTo(0.3, within(0.001));
        assertThat(a.maxMillis()).isEqualTo(1000.0, within(1.0));
        assertThat(a.providerNames()).containsEntry("127.0.0.1:20003", "p2");
    }

    @Test
    void secondSeriesSplitsOutcomesAndProviders() {
        ScenarioAnalysis a = ScenarioAnalysis.of(ScenarioRun.read(RunFixture.freeze(T0).writeTo(dir, "1")));
        SecondSeries s = a.series();
        assertThat(s.x()[0]).isEqualTo(0.5);
        assertThat(s.ok()[6]).isEqualTo(200);
        assertThat(s.errors().keySet()).containsExactly("timeout");
        assertThat(s.errors().get("timeout")[6]).isEqualTo(20);
        assertThat(s.errors().get("timeout")[5]).isZero();
        assertThat(s.failed()[10]).isEqualTo(20);
        assertThat(s.providerOk().get("127.0.0.1:20003")[4]).isEqualTo(100);
        assertThat(s.providerOk().get("127.0.0.1:20003")[7]).isZero();
        assertThat(s.providerFailed().get("127.0.0.1:20003")[7]).isEqualTo(20);
        assertThat(s.p50()[7]).isEqualTo(0.3, within(0.001));
        assertThat(s.max()[7]).isEqualTo(1000.0, within(1.0));
        assertThat(s.max()[3]).isEqualTo(0.3, within(0.001));
    }

    @Test
    void distributionPutsNinetyNinesEquallyApartOnTheLogAxis() {
        ScenarioAnalysis a = ScenarioAnalysis.of(ScenarioRun.read(RunFixture.freeze(T0).writeTo(dir, "1")));
        Distribution d = a.distribution();
        double[] x = d.axis();
        // 5500 calls resolve 3.74 nines: 20 points a nine, from 0%.
        assertThat(x).hasSize(75);
        assertThat(d.percentiles()[0]).isZero();
        assertThat(d.percentiles()[20]).isEqualTo(90.0, within(1e-9));
        assertThat(d.percentiles()[40]).isEqualTo(99.0, within(1e-9));
        for (int i = 1; i < x.length; i++) {
            assertThat(Math.log10(x[i]) - Math.log10(x[i - 1])).isEqualTo(0.05, within(1e-9));
            // 100 of 5500 calls are 1 s timeouts: everything above the 98.19th percentile is the timeout.
            if (d.percentiles()[i] > 98.2) {
                assertThat(d.millis()[i]).isGreaterThan(999.0);
            } else if (d.percentiles()[i] < 98.1) {
                assertThat(d.millis()[i]).isLessThan(1.0);
            }
        }
        Distribution ok = a.okDistribution();
        assertThat(ok.percentiles()).containsExactly(d.percentiles());
        assertThat(ok.millis()[x.length - 1]).isLessThan(1.0);
    }

    @Test
    void stepsPairBeginningsWithEndsAndKeepTheRestAsInstants() {
        RunFixture f = new RunFixture("rollingsimulation", T0).providers("127.0.0.1:1", "127.0.0.1:2")
                .okTraffic(0, 19, "127.0.0.1:1", 10, 300)
                .event(2, "stop", "p0", "127.0.0.1:1").event(3, "expire-session", "p1", "127.0.0.1:2")
                .event(4, "restart", "p0", "127.0.0.1:1")
                .event(5, "zk-stop", "zookeeper", "127.0.0.1:2181").event(8, "zk-restart", "zookeeper", "x")
                .event(9, "fault-plan", "p1", "127.0.0.1:2 FaultPlan[seed=1, [latency]]")
                .event(11, "fault-plan", "p1", "127.0.0.1:2 FaultPlan[none]")
                .event(12, "freeze", "p1", "127.0.0.1:2")
                .event(13, "restart", "p0", "127.0.0.1:1");
        List<ChaosStep> steps = ChaosSteps.of(ScenarioRun.read(f.writeTo(dir, "1")));

        assertThat(steps).extracting(ChaosStep::label).containsExactly("p0 stopped", "p1 expire-session",
                "ZooKeeper down", "p1 fault plan", "p1 frozen", "p0 restart");
        assertThat(steps).extracting(ChaosStep::end).containsExactly(4.0, null, 8.0, 11.0, 20.0, null);
        assertThat(steps.get(0).providerReturns()).isTrue();
        assertThat(steps.get(2).address()).isNull();
        assertThat(steps.get(4).endKind()).isNull();
    }

    @Test
    void linkToxicsAndCutsAreBandsEachEndedByItsRemovalOrTheHealOfItsLink() {
        RunFixture f = new RunFixture("slowlinksimulation", T0).providers("127.0.0.1:1", "127.0.0.1:2")
                .okTraffic(0, 19, "127.0.0.1:1", 10, 300)
                .event(2, "link-toxic", "p1", "latency_downstream on client-p1: latency")
                .event(3, "link-toxic", "p1", "bandwidth_downstream on client-p1: bandwidth")
                .event(5, "link-toxic-removed", "p1", "latency_downstream on client-p1")
                .event(6, "link-cut", "p0-zookeeper", "cut BOTH_WAYS on p0-zookeeper")
                .event(9, "link-heal", "p1", "link client-p1")
                .event(10, "link-heal", "p0-zookeeper", "link p0-zookeeper");
        List<ChaosStep> steps = ChaosSteps.of(ScenarioRun.read(f.writeTo(dir, "1")));

        assertThat(steps).extracting(ChaosStep::label).containsExactly("p1 link toxic", "p1 link toxic",
                "p0-zookeeper partitioned");
        assertThat(steps).extracting(ChaosStep::end).containsExactly(5.0, 9.0, 10.0);
        assertThat(steps).extracting(ChaosStep::endKind).containsExactly("link-toxic-removed", "link-heal",
                "link-heal");
        assertThat(steps).allMatch(ChaosStep::chaos);
    }
}
