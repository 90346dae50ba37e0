package dev.rpcharness.loadtest.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rpcharness.provider.demo.EchoService;
import dev.rpcharness.provider.demo.EchoServiceImpl;
import dev.rpcharness.provider.fault.Fault;
import dev.rpcharness.provider.fault.FaultPlan;
import dev.rpcharness.provider.fault.FaultRule;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run's seed is what fault plans draw their randomness from: same seed, same fault decisions. */
class LoadTargetSeedTest {

    private static final int CALLS = 48;

    @TempDir
    Path results;

    /** One character per call, in call order: '.' answered, 'x' failed by the injected error. */
    private String faultsOfARun(long seed) throws Exception {
        Properties props = new Properties();
        props.setProperty("rpc.resultsDir", results.toString());
        FaultPlan coinFlip = FaultPlan.of(FaultRule.forAll(Fault.error("java.io.IOException", "coin")).probability(0.5));
        StringBuilder outcomes = new StringBuilder();
        try (LoadTarget target = LoadTarget.builder("seed-" + seed, props).providers(1).seed(seed)
                .serve(EchoService.class, EchoServiceImpl::new).faultPlan(0, coinFlip).build().start()) {
            for (int i = 0; i < CALLS; i++) {
                try {
                    target.proxy(EchoService.class).call("echo", "c" + i).get(10, TimeUnit.SECONDS);
                    outcomes.append('.');
                } catch (ExecutionException e) {
                    outcomes.append('x');
                }
            }
        }
        return outcomes.toString();
    }

    @Test
    void sameSeedGivesTheSameFaultDecisionsPerCallSequenceAndAnotherSeedOthers() throws Exception {
        String first = faultsOfARun(42);
        String again = faultsOfARun(42);
        String other = faultsOfARun(43);

        assertThat(first).contains("x").contains(".");
        assertThat(again).as("the same seed replays the same faults").isEqualTo(first);
        assertThat(other).as("another seed draws other faults").isNotEqualTo(first);
    }
}
