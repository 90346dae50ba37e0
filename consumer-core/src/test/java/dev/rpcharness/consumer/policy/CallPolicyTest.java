package dev.rpcharness.consumer.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rpcharness.consumer.ConsumerOptions;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CallPolicyTest {

    @Test
    void annotationsDeclareThePolicyAndNoAnnotationMeansOneAttempt() throws Exception {
        CallPolicy read = CallPolicy.of(PolicyService.class.getMethod("read", String.class));
        assertThat(read.idempotent()).isTrue();
        assertThat(read.maxAttempts()).isEqualTo(3);
        assertThat(read.retryOn()).contains(RetryOn.TIMEOUT, RetryOn.REMOTE_EXCEPTION);
        CallPolicy hedged = CallPolicy.of(PolicyService.class.getMethod("hedged", String.class));
        assertThat(hedged.hedgeDelay()).isEqualTo(Duration.ofMillis(100));
        assertThat(hedged.maxAttempts()).isEqualTo(2);
        assertThat(CallPolicy.of(PolicyService.class.getMethod("plain", String.class)))
                .isSameAs(CallPolicy.ONE_ATTEMPT);
        assertThat(CallPolicy.ONE_ATTEMPT.singleAttempt()).isTrue();
    }

    @Test
    void optionsWinOverAnnotations() throws Exception {
        CallPolicy once = CallPolicy.builder().idempotent(true).build();
        ConsumerOptions options = ConsumerOptions.builder().methodPolicy(PolicyService.class, "read", once).build();
        assertThat(options.policyFor(PolicyService.class, PolicyService.class.getMethod("read", String.class)))
                .isEqualTo(once);
        assertThat(options.policyFor(PolicyService.class, PolicyService.class.getMethod("write", String.class))
                .maxAttempts()).isEqualTo(3);
        assertThat(options.toBuilder().build()).isEqualTo(options);
    }

    @Test
    void everyBadValueIsRejectedNamingTheOptionAndTheValue() {
        assertThatThrownBy(() -> CallPolicy.builder().maxAttempts(0)).hasMessageContaining("maxAttempts")
                .hasMessageContaining("0");
        assertThatThrownBy(() -> CallPolicy.builder().maxAttempts(11)).hasMessageContaining("11");
        assertThatThrownBy(() -> CallPolicy.builder().jitter(1.5)).hasMessageContaining("jitter")
                .hasMessageContaining("1.5");
        assertThatThrownBy(() -> CallPolicy.builder().jitter(Double.NaN)).hasMessageContaining("NaN");
        assertThatThrownBy(() -> CallPolicy.builder().backoff(Duration.ofMillis(-1), Duration.ofSeconds(1)))
                .hasMessageContaining("backoff").hasMessageContaining("PT-0.001S");
        assertThatThrownBy(() -> CallPolicy.builder().backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .hasMessageContaining("maxBackoff");
        assertThatThrownBy(() -> CallPolicy.builder().attemptTimeout(Duration.ZERO))
                .hasMessageContaining("attemptTimeout");
        assertThatThrownBy(() -> CallPolicy.builder().hedgeDelay(Duration.ofMillis(50)).maxAttempts(2).build())
                .hasMessageContaining("hedgeDelay").hasMessageContaining("idempotent");
        assertThatThrownBy(() -> CallPolicy.builder().idempotent(true).hedgeDelay(Duration.ofMillis(50)).build())
                .hasMessageContaining("maxAttempts");
        assertThatThrownBy(() -> new RetryBudget(0, 0.1)).hasMessageContaining("maxTokens")
                .hasMessageContaining("0");
        assertThatThrownBy(() -> new RetryBudget(10, 0)).hasMessageContaining("tokenRatio");
        assertThatThrownBy(() -> ConsumerOptions.builder().methodPolicy(PolicyService.class, "nope",
                CallPolicy.ONE_ATTEMPT)).hasMessageContaining("nope").hasMessageContaining("PolicyService");
    }

    @Test
    void backoffDoublesUpToItsMaximumWithinItsJitter() {
        CallPolicy p = CallPolicy.builder().backoff(Duration.ofMillis(10), Duration.ofMillis(35)).jitter(0.5).build();
        assertThat(p.backoffNanos(1, 0.5)).isEqualTo(Duration.ofMillis(10).toNanos());
        assertThat(p.backoffNanos(2, 0.5)).isEqualTo(Duration.ofMillis(20).toNanos());
        assertThat(p.backoffNanos(3, 0.5)).isEqualTo(Duration.ofMillis(35).toNanos());
        assertThat(p.backoffNanos(2, 0)).isEqualTo(Duration.ofMillis(10).toNanos());
        assertThat(p.backoffNanos(2, 1)).isEqualTo(Duration.ofMillis(30).toNanos());
    }
}
