package dev.rpcharness.loadtest.gatling;

import static dev.rpcharness.loadtest.gatling.RpcDsl.ejectionAfterFreeze;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rpcharness.run.Timeline;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The ejection assertion reads the cluster's timeline: each freeze of a provider must be followed by its ejection. */
class EjectionAssertionTest {

    private static final String P2 = "127.0.0.1:20883";
    private static final Duration LIMIT = Duration.ofMillis(1500);

    private final AtomicLong now = new AtomicLong();
    private final Timeline timeline = new Timeline(now::get, Clock.systemUTC());

    private void at(long millis, String action, String subject) {
        now.set(Duration.ofMillis(millis).toNanos());
        timeline.record(action, subject, "");
    }

    private String check() {
        return EjectionAssertion.check(timeline.events(), "p2", P2, LIMIT);
    }

    @Test
    void anEjectionOfTheFrozenProviderWithinTheLimitHolds() {
        at(10_000, "freeze", "p2");
        at(10_001, "provider-freeze", "p2");
        at(10_520, "client-ejected", P2);

        assertThat(check()).isNull();
    }

    @Test
    void noEjectionAfterTheFreezeFailsAndSaysSo() {
        at(1_000, "client-ejected", P2); // before the freeze: does not count
        at(10_000, "freeze", "p2");
        at(10_500, "client-ejected", "127.0.0.1:20881"); // another provider

        assertThat(check()).isEqualTo("freeze #1 of p2 (" + P2 + "): never ejected");
    }

    @Test
    void aLateEjectionFailsWithTheTimeItTook() {
        at(10_000, "freeze", "p2");
        at(11_500, "client-ejected", P2);

        assertThat(check()).isEqualTo("freeze #1 of p2 (" + P2 + "): ejected after 1.500 s");
    }

    @Test
    void everyFreezeIsCheckedAndATimelineWithoutFreezeFails() {
        assertThat(check()).isEqualTo("the timeline has no freeze of p2");

        at(10_000, "freeze", "p2");
        at(10_600, "client-ejected", P2);
        at(20_000, "freeze", "p2");

        assertThat(check()).isEqualTo("freeze #2 of p2 (" + P2 + "): never ejected");
    }

    @Test
    void theStepIsNamedAfterTheProviderAndTheLimit() {
        assertThat(ejectionAfterFreeze(2).within(LIMIT).name()).isEqualTo("p2 ejected within 1500 ms of its freeze");
        assertThatThrownBy(() -> ejectionAfterFreeze(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1");
        assertThatThrownBy(() -> ejectionAfterFreeze(2).within(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("positive");
    }
}
