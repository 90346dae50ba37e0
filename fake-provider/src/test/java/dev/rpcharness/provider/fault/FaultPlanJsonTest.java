package dev.rpcharness.provider.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rpcharness.protocol.RpcJson;
import org.junit.jupiter.api.Test;

/** The JSON form of fault plans that the admin endpoint and the command line take. */
class FaultPlanJsonTest {

    private final ObjectMapper json = RpcJson.newMapper();

    private FaultRule rule(String text) throws Exception {
        return FaultPlanJson.parseRule(json.readTree(text));
    }

    @Test
    void everyFaultNameMapsToItsKind() throws Exception {
        String[][] cases = {
            {"{\"fault\":\"latencyFixed\",\"ms\":20}", "LATENCY_FIXED"},
            {"{\"fault\":\"latencyUniform\",\"minMs\":1,\"maxMs\":5}", "LATENCY_UNIFORM"},
            {"{\"fault\":\"latencyLogNormal\",\"medianMs\":5,\"p99Ms\":50}", "LATENCY_LOG_NORMAL"},
            {"{\"fault\":\"error\",\"type\":\"x.Y\",\"message\":\"m\"}", "ERROR"},
            {"{\"fault\":\"httpStatus\",\"status\":502}", "HTTP_STATUS"},
            {"{\"fault\":\"reset\"}", "RESET"},
            {"{\"fault\":\"closeWithoutAnswer\"}", "CLOSE_WITHOUT_ANSWER"},
            {"{\"fault\":\"hang\"}", "HANG"},
            {"{\"fault\":\"garbage\"}", "GARBAGE"},
            {"{\"fault\":\"truncatedBody\"}", "TRUNCATED_BODY"},
            {"{\"fault\":\"wrongRequestId\"}", "WRONG_REQUEST_ID"},
            {"{\"fault\":\"unknownRequestId\"}", "UNKNOWN_REQUEST_ID"},
            {"{\"fault\":\"duplicateAnswer\"}", "DUPLICATE_ANSWER"},
            {"{\"fault\":\"slowDrip\",\"betweenMs\":10}", "SLOW_DRIP"},
            {"{\"fault\":\"oversizedBody\",\"bytes\":100000}", "OVERSIZED_BODY"},
            {"{\"fault\":\"pushback\",\"status\":503,\"retryAfterMs\":200}", "PUSHBACK"},
        };
        for (String[] c : cases) {
            assertThat(rule(c[0]).fault().kind().name()).as(c[0]).isEqualTo(c[1]);
        }
        assertThat(cases.length).isEqualTo(FaultKind.values().length);
    }

    @Test
    void methodAndTriggerAreRead() throws Exception {
        FaultRule r = rule("{\"method\":\"echo\",\"fault\":\"reset\",\"everyNth\":3}");
        assertThat(r.methodName()).isEqualTo("echo");
        assertThat(r.trigger()).isEqualTo(FaultRule.Trigger.EVERY_NTH);
        assertThat(r.n()).isEqualTo(3);
        assertThat(rule("{\"fault\":\"hang\",\"probability\":0.25}").probability()).isEqualTo(0.25);
        assertThat(rule("{\"fault\":\"hang\",\"firstN\":2}").trigger()).isEqualTo(FaultRule.Trigger.FIRST_N);
    }

    @Test
    void planCarriesSeedAndRules() throws Exception {
        FaultPlan plan = FaultPlanJson.parsePlan(json.readTree(
                "{\"seed\":9,\"rules\":[{\"fault\":\"hang\"},{\"fault\":\"latencyFixed\",\"ms\":3}]}"));
        assertThat(plan.seed()).isEqualTo(9);
        assertThat(plan.rules()).hasSize(2);
        assertThat(FaultPlanJson.parsePlan(json.readTree("{}")).isEmpty()).isTrue();
    }

    @Test
    void mistakesAreNamed() {
        assertThatThrownBy(() -> rule("{\"fault\":\"explode\"}")).hasMessageContaining("explode");
        assertThatThrownBy(() -> rule("{\"fault\":\"httpStatus\"}")).hasMessageContaining("status");
        assertThatThrownBy(() -> rule("{\"ms\":3}")).hasMessageContaining("fault");
    }
}
