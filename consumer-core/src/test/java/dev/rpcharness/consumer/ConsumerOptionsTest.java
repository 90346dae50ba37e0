package dev.rpcharness.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Options have the documented defaults and reject bad values with the option's name. */
class ConsumerOptionsTest {

    @Test
    void defaultsAreAsDocumented() {
        ConsumerOptions options = ConsumerOptions.defaults();
        assertThat(options.callTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(options.providerWaitTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(options.connectionsPerProvider()).isEqualTo(2);
        assertThat(options.callbackExecutor()).isNull();
        assertThat(options.maxCallsInFlight()).isEqualTo(20_000);
        assertThat(options.outlierConsecutiveFailures()).isEqualTo(5);
        assertThat(options.outlierBaseEjectionTime()).isEqualTo(Duration.ofSeconds(1));
        assertThat(options.outlierMaxEjectionTime()).isEqualTo(Duration.ofSeconds(30));
        assertThat(options.maxEjectionPercent()).isEqualTo(50);
    }

    @Test
    void badValuesNameTheOption() {
        ConsumerOptions.Builder builder = ConsumerOptions.builder();
        assertThatThrownBy(() -> builder.callTimeout(Duration.ZERO)).hasMessageContaining("callTimeout");
        assertThatThrownBy(() -> builder.providerWaitTimeout(Duration.ofMillis(-1)))
                .hasMessageContaining("providerWaitTimeout");
        assertThatThrownBy(() -> builder.connectionsPerProvider(0)).hasMessageContaining("connectionsPerProvider");
        assertThatThrownBy(() -> builder.ioThreads(0)).hasMessageContaining("ioThreads");
        assertThatThrownBy(() -> builder.maxResponseBytes(1)).hasMessageContaining("maxResponseBytes");
        assertThatThrownBy(() -> builder.reconnectBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .hasMessageContaining("reconnectBackoff");
        assertThatThrownBy(() -> builder.maxCallsInFlight(0)).hasMessageContaining("maxCallsInFlight");
        assertThatThrownBy(() -> builder.outlierConsecutiveFailures(-1))
                .hasMessageContaining("outlierConsecutiveFailures");
        assertThatThrownBy(() -> builder.outlierEjectionTime(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .hasMessageContaining("outlierEjectionTime");
        assertThatThrownBy(() -> builder.maxEjectionPercent(101)).hasMessageContaining("maxEjectionPercent");
        for (String bad : new String[] {"", "a b", "a:b", "caf\u00e9", "x".repeat(65), "a\r\nX-Evil: 1"}) {
            assertThatThrownBy(() -> builder.clientId(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("clientId").hasMessageContaining(bad);
        }
        assertThat(builder.clientId("c0-ABC_1.x").build().clientId()).isEqualTo("c0-ABC_1.x");
        assertThat(ConsumerOptions.defaults().clientId()).as("random per client by default").isNull();
    }

    @Test
    void toBuilderKeepsEverySetting() {
        ConsumerOptions options = ConsumerOptions.builder().callTimeout(Duration.ofMillis(1234))
                .connectionsPerProvider(3).maxResponseBytes(4096).maxCallsInFlight(77).outlierConsecutiveFailures(9)
                .outlierEjectionTime(Duration.ofMillis(300), Duration.ofSeconds(4)).maxEjectionPercent(33)
                .clientId("replayed-7").build();
        ConsumerOptions copy = options.toBuilder().build();
        assertThat(copy.toString()).isEqualTo(options.toString());
        assertThat(copy.clientId()).isEqualTo("replayed-7");
    }

    @Test
    void optionsAreEqualWhenEveryOptionIs() {
        assertThat(ConsumerOptions.builder().build()).isEqualTo(ConsumerOptions.defaults())
                .hasSameHashCodeAs(ConsumerOptions.defaults());
        ConsumerOptions tuned = ConsumerOptions.builder().outlierFailureRatio(0.5).build();
        assertThat(tuned).isEqualTo(tuned.toBuilder().build()).isNotEqualTo(ConsumerOptions.defaults());
        assertThat(ConsumerOptions.builder().connectionsPerProvider(1).build()).isNotEqualTo(ConsumerOptions.defaults());
        assertThat(ConsumerOptions.builder().callbackExecutor(Runnable::run).build())
                .isNotEqualTo(ConsumerOptions.defaults());
    }
}
