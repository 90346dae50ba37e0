package dev.rpcharness.loadtest.gatling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rpcharness.loadtest.run.LoadTarget;
import dev.rpcharness.provider.demo.EchoService;
import dev.rpcharness.provider.demo.EchoServiceImpl;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link RpcSimulation} outside Gatling: before() starts the target it was given, after() closes it (its proxies
 * are refused then), and a simulation that names no target, or two, is told so by name.
 */
class RpcSimulationTest {

    @TempDir
    static Path results;

    @Test
    void beforeStartsTheTargetAndAfterClosesIt() {
        OneTarget simulation = new OneTarget();

        simulation.before();
        try {
            assertThat(simulation.target.client().pendingCalls()).isZero();
        } finally {
            simulation.after();
        }

        assertThatThrownBy(() -> simulation.target.proxy(EchoService.class)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is closed");
    }

    @Test
    void aSimulationWithoutATargetSaysSoInBefore() {
        assertThatThrownBy(() -> new NoTarget().before()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("NoTarget names no target");
    }

    @Test
    void aSecondTargetIsRefused() {
        assertThatThrownBy(TwoTargets::new).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("TwoTargets already loads");
    }

    private static LoadTarget echoTarget() {
        Properties props = new Properties();
        props.setProperty("rpc.resultsDir", results.toString());
        return LoadTarget.builder("rpc-simulation-test", props).providers(1)
                .serve(EchoService.class, EchoServiceImpl::new).build();
    }

    static final class OneTarget extends RpcSimulation {
        final LoadTarget target = target(echoTarget());
    }

    static final class NoTarget extends RpcSimulation {
    }

    static final class TwoTargets extends RpcSimulation {
        final LoadTarget first = target(echoTarget());
        final LoadTarget second = target(echoTarget());
    }
}
