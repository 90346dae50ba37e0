package dev.rpcharness.loadtest.gatling;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatling.core.config.GatlingConfiguration;
import io.gatling.core.config.GatlingConfiguration$;
import org.junit.jupiter.api.Test;

/**
 * The harness's own gatling.conf (in loadtest's jar) keeps Gatling on loopback in any project that depends on it:
 * this module's tests have no gatling.conf of their own, so what they see is what a user's project sees.
 */
class HarnessGatlingDefaultsTest {

    @Test
    void gatlingLoadedWithTheHarnessOnTheClasspathSendsNoAnalyticsAndNoHttpWarmUp() {
        GatlingConfiguration configuration = GatlingConfiguration$.MODULE$.load();

        assertThat(configuration.data().enableAnalytics()).as("gatling.data.enableAnalytics").isFalse();
        assertThat(configuration.http().warmUpUrl().isEmpty()).as("gatling.http.warmUpUrl is empty").isTrue();
    }
}
