package dev.rpcharness.provider;

import static dev.rpcharness.provider.testing.WireClient.callBody;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rpcharness.protocol.WireContract;
import dev.rpcharness.provider.fault.Fault;
import dev.rpcharness.provider.fault.FaultPlan;
import dev.rpcharness.provider.fault.FaultRule;
import dev.rpcharness.provider.testing.CatalogService;
import dev.rpcharness.provider.testing.CatalogServiceImpl;
import dev.rpcharness.provider.testing.WireClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A real provider on loopback, the same seeded plan in two runs, calls arriving in another order (and over two
 * connections) in the second: with {@code X-Rpc-Call-Seq} each call number gets the same fault in both runs;
 * without it the k-th arrival does.
 */
class CallSeqFaultsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final int CALLS = 40;
    private static final FaultPlan PLAN = FaultPlan.builder().seed(2026L)
            .rule(FaultRule.forAll(Fault.httpStatus(503)).probability(0.5)).build();

    /** One run: a fresh provider, calls numbered {@code order} sent one at a time, alternating connections. */
    private static Map<Long, Integer> run(List<Long> order, boolean withSeq) throws Exception {
        Map<Long, Integer> statuses = new LinkedHashMap<>();
        try (FakeProvider provider = FakeProvider.builder().name("seq")
                .serve(CatalogService.class, new CatalogServiceImpl()).faultPlan(PLAN).build().start();
             WireClient a = new WireClient(provider.host(), provider.port());
             WireClient b = new WireClient(provider.host(), provider.port())) {
            int k = 0;
            for (long seq : order) {
                WireClient wire = k++ % 2 == 0 ? a : b;
                String id = Long.toString(k);
                byte[] plain = wire.request(id, callBody(id, CatalogService.class.getName(), "hello",
                        "[\"java.lang.String\"]", "[\"n" + seq + "\"]"));
                String text = new String(plain, StandardCharsets.ISO_8859_1);
                if (withSeq) {
                    String idLine = WireContract.REQUEST_ID_HEADER + ": " + id + "\r\n";
                    text = text.replace(idLine, idLine + WireContract.CALL_SEQ_HEADER + ": " + seq + "\r\n");
                }
                wire.sendRaw(text.getBytes(StandardCharsets.ISO_8859_1));
                statuses.put(seq, wire.read(WAIT).status());
            }
        }
        return statuses;
    }

    private static List<Long> numbers() {
        List<Long> l = new ArrayList<>();
        for (long s = 1; s <= CALLS; s++) {
            l.add(s);
        }
        return l;
    }

    private static List<Long> reordered() {
        List<Long> l = new ArrayList<>();
        for (long s = CALLS; s >= 1; s -= 2) {
            l.add(s);
        }
        for (long s = 1; s <= CALLS; s += 2) {
            l.add(s);
        }
        return l;
    }

    @Test
    void withTheHeaderEachCallNumberGetsTheSameFaultWhateverTheArrivalOrder() throws Exception {
        Map<Long, Integer> first = run(numbers(), true);
        Map<Long, Integer> second = run(reordered(), true);
        assertThat(first.values()).contains(200, 503);
        assertThat(new java.util.TreeMap<>(second)).isEqualTo(new java.util.TreeMap<>(first));
    }

    @Test
    void withoutTheHeaderTheKthArrivalGetsTheSameFault() throws Exception {
        Map<Long, Integer> first = run(numbers(), false);
        Map<Long, Integer> second = run(reordered(), false);
        assertThat(first.values()).contains(200, 503);
        // By arrival: the k-th call of each run is answered alike...
        assertThat(new ArrayList<>(second.values())).isEqualTo(new ArrayList<>(first.values()));
        // ... so the same call number is not.
        assertThat(new java.util.TreeMap<>(second)).isNotEqualTo(new java.util.TreeMap<>(first));
    }
}
