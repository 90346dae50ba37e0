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
        assertThat(options.connectionsPerProvider()).isEqualTo(1);
        assertThat(options.callbackExecutor()).isNull();
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
    }

    @Test
    void toBuilderKeepsEverySetting() {
        ConsumerOptions options = ConsumerOptions.builder().callTimeout(Duration.ofMillis(1234))
                .connectionsPerProvider(3).maxResponseBytes(4096).build();
        ConsumerOptions copy = options.toBuilder().build();
        assertThat(copy.toString()).isEqualTo(options.toString());
    }
}
