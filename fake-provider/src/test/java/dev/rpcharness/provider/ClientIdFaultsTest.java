package dev.rpcharness.provider;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rpcharness.consumer.CallHistory;
import dev.rpcharness.consumer.ConsumerClient;
import dev.rpcharness.consumer.ConsumerOptions;
import dev.rpcharness.consumer.RpcException;
import dev.rpcharness.provider.fault.Fault;
import dev.rpcharness.provider.fault.FaultPlan;
import dev.rpcharness.provider.fault.FaultRule;
import dev.rpcharness.provider.testing.CatalogService;
import dev.rpcharness.provider.testing.CatalogServiceImpl;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Two real consumer clients (recording a call history, so each call carries its number) against one provider on
 * loopback whose seeded plan fails half the calls: their client ids make their fault sequences differ although
 * both number their calls 1, 2, 3...; a second run with the same seed and the same ids, the clients taking turns
 * the other way round, gets the same sequences again.
 */
class ClientIdFaultsTest {

    private static final int CALLS = 40;
    private static final FaultPlan PLAN = FaultPlan.builder().seed(2026L)
            .rule(FaultRule.forAll(Fault.httpStatus(503)).probability(0.5)).build();

    /** Records nothing, but is not {@link CallHistory#NONE}: the client then sends each call's number. */
    private static final class Numbered implements CallHistory {
        @Override
        public void started(long seq, String method, long startNanos) {
        }

        @Override
        public void written(long seq, String provider, int localPort, long requestId, long nanos) {
        }

        @Override
        public void ended(long seq, long endNanos, Throwable failure) {
        }
    }

    /** One run on a fresh provider: each client in {@code order} makes its calls; whether each call succeeded. */
    private static Map<String, List<Boolean>> run(String... order) throws Exception {
        Map<String, List<Boolean>> outcomes = new LinkedHashMap<>();
        try (FakeProvider provider = FakeProvider.builder().name("faults")
                .serve(CatalogService.class, new CatalogServiceImpl()).faultPlan(PLAN).build().start()) {
            for (String clientId : order) {
                ConsumerOptions options = ConsumerOptions.builder().clientId(clientId).callHistory(new Numbered())
                        .outlierConsecutiveFailures(0).callTimeout(Duration.ofSeconds(5)).build();
                try (ConsumerClient client = new ConsumerClient(provider.host() + ":" + provider.port(), options)) {
                    CatalogService catalog = client.create(CatalogService.class);
                    List<Boolean> ok = new ArrayList<>();
                    for (int i = 0; i < CALLS; i++) {
                        try {
                            catalog.hello("n" + i);
                            ok.add(true);
                        } catch (RpcException e) {
                            assertThat(e).hasMessageContaining("503");
                            ok.add(false);
                        }
                    }
                    outcomes.put(clientId, ok);
                }
            }
        }
        return outcomes;
    }

    @Test
    void twoClientsDrawDifferentFaultsAndTheSameIdsReplayTheSame() throws Exception {
        Map<String, List<Boolean>> first = run("alpha", "beta");
        assertThat(first.get("alpha")).contains(true, false);
        assertThat(first.get("beta")).contains(true, false);
        assertThat(first.get("beta")).as("call k of beta draws apart from call k of alpha")
                .isNotEqualTo(first.get("alpha"));

        Map<String, List<Boolean>> second = run("beta", "alpha");
        assertThat(second.get("alpha")).isEqualTo(first.get("alpha"));
        assertThat(second.get("beta")).isEqualTo(first.get("beta"));
    }
}
