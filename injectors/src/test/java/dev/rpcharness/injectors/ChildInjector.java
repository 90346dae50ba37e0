package dev.rpcharness.injectors;

import dev.rpcharness.run.Timeline;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;

/**
 * An injector JVM of {@link ProcessInjectorsTest}: joins the run named by the launcher's properties, starts with
 * the others, runs the chaos steps if it is the conductor (each prints {@code EXECUTED step-<i> by <id>}), "loads"
 * for the spec's {@code loadMillis}, then finishes. Exit codes: 0 complete, 3 partial, 2 lost, 4 barrier timeout.
 */
public final class ChildInjector {

    static final int STEPS = 7;
    static final Duration STEP_EVERY = Duration.ofSeconds(2);

    private ChildInjector() {
    }

    public static void main(String[] args) throws Exception {
        String runId = System.getProperty(InjectorLauncher.RUN_ID);
        int index = Integer.getInteger(InjectorLauncher.INDEX);
        CuratorFramework client = CuratorFrameworkFactory.builder()
                .connectString(System.getProperty(InjectorLauncher.COORDINATOR))
                .sessionTimeoutMs(6_000).connectionTimeoutMs(5_000).retryPolicy(new RetryOneTime(200)).build();
        client.start();
        int code = 1;
        try {
            client.blockUntilConnected(20, TimeUnit.SECONDS);
            Coordinator coordinator = new Coordinator(client);
            RunSpec spec = coordinator.awaitSpec(runId, Duration.ofSeconds(30));
            try (InjectorRun run = InjectorRun.join(coordinator, spec, index)) {
                run.awaitStart();
                System.out.println("STARTED " + run.id());
                List<ChaosStep> steps = new ArrayList<>();
                for (int i = 0; i < STEPS; i++) {
                    String name = "step-" + i;
                    steps.add(new ChaosStep(name, STEP_EVERY.multipliedBy(i),
                            () -> System.out.println("EXECUTED " + name + " by " + run.id())));
                }
                try (ChaosConductor conductor = new ChaosConductor(run, steps, new Timeline())) {
                    conductor.start();
                    Thread.sleep(Long.parseLong(spec.options().get("loadMillis")));
                }
                RunOutcome outcome = run.finish();
                System.out.println("OUTCOME " + outcome);
                code = outcome.complete() ? 0 : 3;
            }
        } catch (InjectorLostException e) {
            System.out.println("LOST " + e.getMessage());
            code = 2;
        } catch (BarrierTimeoutException e) {
            System.out.println("TIMEOUT " + e.getMessage());
            code = 4;
        } finally {
            client.close();
        }
        System.exit(code);
    }
}
