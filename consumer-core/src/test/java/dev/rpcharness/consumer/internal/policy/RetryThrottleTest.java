package dev.rpcharness.consumer.internal.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rpcharness.consumer.policy.RetryBudget;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetryThrottleTest {

    @Test
    void retriesStopAtHalfTheBucketAndSuccessesBringThemBackTellingEachCrossingOnce() {
        List<String> told = new ArrayList<>();
        RetryThrottle throttle = new RetryThrottle(new RetryBudget(4, 0.5),
                (allowed, tokens, max) -> told.add(allowed + " " + tokens + "/" + max));
        assertThat(throttle.tryRetry()).isTrue();
        throttle.failure(); // 3 left: above 2
        assertThat(throttle.tryRetry()).isTrue();
        throttle.failure(); // 2 left: not above half
        assertThat(throttle.tryRetry()).isFalse();
        throttle.failure(); // 1 left
        throttle.failure(); // 0
        throttle.failure(); // never below 0
        assertThat(throttle.state().tokens()).isZero();
        for (int i = 0; i < 5; i++) {
            throttle.success(); // 2.5 left after the fifth
        }
        assertThat(throttle.tryRetry()).isTrue();
        assertThat(told).containsExactly("false 2.0/4", "true 2.5/4");
        assertThat(throttle.state().retries()).isEqualTo(3);
        assertThat(throttle.state().refused()).isEqualTo(1);
    }

    @Test
    void anUnlimitedBudgetNeverRefuses() {
        RetryThrottle throttle = new RetryThrottle(RetryBudget.UNLIMITED, null);
        for (int i = 0; i < 1000; i++) {
            throttle.failure();
        }
        assertThat(throttle.tryRetry()).isTrue();
        assertThat(throttle.state().retriesAllowed()).isTrue();
    }

    @Test
    void eachStepRunsItsRecordAndTheRetryDecisionTakesTheTokenTheFailureLeft() {
        List<String> steps = new ArrayList<>();
        RetryThrottle throttle = new RetryThrottle(new RetryBudget(4, 0.5), null);
        assertThat(throttle.failure(() -> steps.add("end 1"), true)).as("3 left").isTrue();
        assertThat(throttle.failure(() -> steps.add("end 2"), true)).as("2 left: not above half").isFalse();
        assertThat(throttle.failure(() -> steps.add("end 3"), false)).as("no retry asked").isFalse();
        assertThat(throttle.tryRetry(() -> steps.add("hedge refused"))).isFalse();
        throttle.success(() -> steps.add("answer 1"));
        throttle.success(() -> steps.add("answer 2")); // 2.0 again
        throttle.success(() -> steps.add("answer 3")); // 2.5
        assertThat(throttle.tryRetry(() -> steps.add("hedge"))).isTrue();
        assertThat(steps).containsExactly("end 1", "end 2", "end 3", "answer 1", "answer 2", "answer 3", "hedge");
        assertThat(throttle.state().retries()).isEqualTo(2);
        assertThat(throttle.state().refused()).isEqualTo(2);
    }
}
