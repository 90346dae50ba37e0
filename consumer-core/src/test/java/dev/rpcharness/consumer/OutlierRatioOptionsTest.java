package dev.rpcharness.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The failure-ratio options of outlier ejection: defaults, bad values named with their value, toBuilder keeps them. */
class OutlierRatioOptionsTest {

    @Test
    void theRatioRuleIsOffByDefault() {
        ConsumerOptions options = ConsumerOptions.defaults();
        assertThat(options.outlierFailureRatio()).isZero();
        assertThat(options.outlierMinimumCalls()).isEqualTo(20);
        assertThat(options.outlierInterval()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void badValuesNameTheOptionAndTheValue() {
        ConsumerOptions.Builder b = ConsumerOptions.builder();
        assertThatThrownBy(() -> b.outlierFailureRatio(1.5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("outlierFailureRatio").hasMessageContaining("1.5");
        assertThatThrownBy(() -> b.outlierFailureRatio(-0.1)).hasMessageContaining("outlierFailureRatio")
                .hasMessageContaining("-0.1");
        assertThatThrownBy(() -> b.outlierFailureRatio(Double.NaN)).hasMessageContaining("outlierFailureRatio")
                .hasMessageContaining("NaN");
        assertThatThrownBy(() -> b.outlierMinimumCalls(0)).hasMessageContaining("outlierMinimumCalls")
                .hasMessageContaining("0");
        assertThatThrownBy(() -> b.outlierInterval(Duration.ZERO)).hasMessageContaining("outlierInterval")
                .hasMessageContaining("PT0S");
        assertThatThrownBy(() -> b.outlierInterval(Duration.ofMillis(5))).hasMessageContaining("outlierInterval")
                .hasMessageContaining("PT0.005S");
        assertThatThrownBy(() -> b.outlierInterval(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("outlierInterval");
    }

    @Test
    void toBuilderKeepsTheRatioOptions() {
        ConsumerOptions options = ConsumerOptions.builder().outlierFailureRatio(0.3).outlierMinimumCalls(7)
                .outlierInterval(Duration.ofSeconds(4)).build().toBuilder().build();
        assertThat(options.outlierFailureRatio()).isEqualTo(0.3);
        assertThat(options.outlierMinimumCalls()).isEqualTo(7);
        assertThat(options.outlierInterval()).isEqualTo(Duration.ofSeconds(4));
        assertThat(options.toString()).contains("failureRatio=0.3 of >= 7 calls in 4000ms");
    }
}
