package dev.rpcharness.provider.wiremock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rpcharness.provider.registration.ProviderEndpoint;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The WireMock provider's builder maps onto {@link ProviderEndpoint}: the same values, the same checks. */
class WireMockProviderEndpointTest {

    @Test
    void theBuildersSettersAndAWholeEndpointDescribeTheSameProvider() {
        ProviderEndpoint endpoint = ProviderEndpoint.builder().registry("127.0.0.1:2181").basePath("/wm")
                .name("wm-1").sessionTimeout(Duration.ofSeconds(3)).build();

        WireMockProvider whole = WireMockProvider.builder().endpoint(endpoint).build();
        WireMockProvider bySetters = WireMockProvider.builder().registry("127.0.0.1:2181").basePath("/wm/")
                .name("wm-1").sessionTimeout(Duration.ofSeconds(3)).build();

        assertThat(whole.endpoint()).isEqualTo(endpoint);
        assertThat(bySetters.endpoint()).isEqualTo(endpoint);
        assertThat(whole.name()).isEqualTo("wm-1");
        assertThat(WireMockProvider.builder().build().name()).as("not started, no name").isEqualTo("wiremock-new");
    }

    @Test
    void badValuesAreRefusedAsTheEndpointRefusesThem() {
        assertThatThrownBy(() -> WireMockProvider.builder().port(70_000))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("port 70000");
        assertThatThrownBy(() -> WireMockProvider.builder().basePath("wm"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'wm'");
        assertThatThrownBy(() -> WireMockProvider.builder().sessionTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sessionTimeout");
    }
}
