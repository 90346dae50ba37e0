package dev.rpcharness.reports.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class ComparisonTest {

    private final ObjectMapper mapper = new ObjectMapper();

    private JsonNode report(String verdict, double rate, double p99, long errors, double backToZero)
            throws Exception {
        return mapper.readTree(("{'format':'rpc-harness-report/1','scenarios':[{'name':'crash','verdict':'%s',"
                + "'rate':%s,'p99Ms':%s,'errors':%d,'recovery':[{'step':'p1 crashed','errors':%d,"
                + "'errorsEndedAfterS':%s,'recovered':true,'trafficBackAfterS':1.0}]}]}")
                .formatted(verdict, rate, p99, errors, errors, backToZero).replace('\'', '"'));
    }

    @Test
    void flagsWhatGotWorseBeyondToleranceAndFloor() throws Exception {
        JsonNode before = report("pass", 200, 10, 3, 1.0);
        JsonNode after = report("fail", 130, 20, 30, 4.0);

        Comparison c = Comparison.of("prev.json", before, after, 0.25);

        assertThat(c.regressions()).extracting(Change::metric).containsExactly("verdict pass -> fail",
                "rate calls/s", "p99 ms", "errors", "p1 crashed: errors", "p1 crashed: errors back to zero after s");
        Change rate = c.changes().stream().filter(ch -> ch.metric().startsWith("rate")).findFirst().orElseThrow();
        assertThat(rate.before()).isEqualTo(200.0);
        assertThat(rate.after()).isEqualTo(130.0);
        assertThat(rate.relative()).isEqualTo(-0.35);
    }

    @Test
    void noiseUnderTheFloorsOrWithinToleranceIsNoRegression() throws Exception {
        // p99 +66% but only 0.2 ms; errors doubled but only 3 more; recovery 0.4 s later; rate -20%.
        JsonNode before = report("pass", 200, 0.3, 3, 0.8);
        JsonNode after = report("pass", 160, 0.5, 6, 1.2);

        assertThat(Comparison.of("prev.json", before, after, 0.25).regressions()).isEmpty();
        assertThat(Comparison.of("prev.json", before, after, 0.1).regressions()).extracting(Change::metric)
                .containsExactly("rate calls/s");
    }

    @Test
    void aScenarioWithoutPreviousFiguresIsNew() throws Exception {
        JsonNode before = mapper.readTree("{\"scenarios\":[]}");
        Comparison c = Comparison.of("prev.json", before, report("pass", 1, 1, 0, 0), 0.25);
        assertThat(c.changes()).extracting(Change::metric).containsExactly("new scenario (no previous figures)");
        assertThat(c.regressions()).isEmpty();
        assertThatThrownBy(() -> Comparison.of("p", before, before, -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tolerance");
    }
}
