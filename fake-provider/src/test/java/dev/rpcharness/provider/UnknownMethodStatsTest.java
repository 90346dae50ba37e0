package dev.rpcharness.provider;

import static dev.rpcharness.provider.testing.WireClient.callBody;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rpcharness.provider.fault.Fault;
import dev.rpcharness.provider.fault.FaultKind;
import dev.rpcharness.provider.fault.FaultPlan;
import dev.rpcharness.provider.fault.FaultRule;
import dev.rpcharness.provider.testing.CatalogService;
import dev.rpcharness.provider.testing.CatalogServiceImpl;
import dev.rpcharness.provider.testing.WireClient;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A provider's per-method statistics are keyed by the methods it serves: a client naming ever new methods or
 * interfaces cannot grow them without bound; such calls count under {@link ProviderStats#UNKNOWN_METHOD}.
 */
class UnknownMethodStatsTest {

    private static final String CATALOG = CatalogService.class.getName();
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void callsOfMethodsNobodyServesAreCountedUnderOneKey() throws Exception {
        int unknown = 300;
        try (FakeProvider provider = FakeProvider.builder().name("stats")
                .serve(CatalogService.class, new CatalogServiceImpl())
                .faultPlan(FaultPlan.of(FaultRule.forAll(Fault.latencyFixed(Duration.ZERO)))).build().start();
             WireClient wire = new WireClient(provider.host(), provider.port())) {
            wire.send("0", callBody("0", CATALOG, "hello", "[\"java.lang.String\"]", "[\"x\"]"));
            assertThat(wire.read(WAIT).status()).isEqualTo(200);
            for (int i = 1; i <= unknown; i++) {
                String id = Integer.toString(i);
                String body = i % 3 == 0
                        ? callBody(id, "com.example.Nobody" + i, "hello", "[\"java.lang.String\"]", "[\"x\"]")
                        : callBody(id, CATALOG, "noSuchMethod" + i, "[]", "[]");
                wire.send(id, body);
                assertThat(wire.read(WAIT).bodyText()).contains("\"error\"");
            }
            ProviderStats stats = provider.stats();
            assertThat(stats.methods()).containsExactlyInAnyOrder("hello", ProviderStats.UNKNOWN_METHOD);
            assertThat(stats.received(ProviderStats.UNKNOWN_METHOD)).isEqualTo(unknown);
            assertThat(stats.answered(ProviderStats.UNKNOWN_METHOD)).isEqualTo(unknown);
            assertThat(stats.faults(ProviderStats.UNKNOWN_METHOD, FaultKind.LATENCY_FIXED)).isEqualTo(unknown);
            assertThat(stats.received("hello")).isEqualTo(1);
            assertThat(stats.received()).isEqualTo(unknown + 1);
        }
    }
}
