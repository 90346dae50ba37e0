package dev.rpcharness.provider.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rpcharness.provider.registration.ProviderEndpoint;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A stand-alone provider's settings are checked where they are given, as the in-process provider's are. */
class ExternalProviderProcessOptionsTest {

    @Test
    void aPortOutOfRangeIsRefusedNamingIt() {
        assertThatThrownBy(() -> ExternalProviderProcess.builder().port(70_000))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("port 70000");
        assertThatThrownBy(() -> ExternalProviderProcess.builder().port(-1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("port -1");
    }

    @Test
    void aRegistryBasePathWithoutALeadingSlashIsRefusedNamingIt() {
        assertThatThrownBy(() -> ExternalProviderProcess.builder().basePath("rpc"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'rpc'");
    }

    @Test
    void anEndpointReachesTheProcessExactlyThroughItsCommandLine() {
        ProviderEndpoint full = ProviderEndpoint.builder().host("::1").port(20881).registry("127.0.0.1:2181")
                .basePath("/orders").name("orders-1").sessionTimeout(Duration.ofMillis(2_500))
                .registryConnectTimeout(Duration.ofSeconds(7)).build();
        ProviderEndpoint bare = ProviderEndpoint.builder().build();

        for (ProviderEndpoint e : new ProviderEndpoint[] {full, bare}) {
            String[] args = EndpointOptions.arguments(e).toArray(String[]::new);
            assertThat(ProviderMain.Options.parse(args, Map.of()).endpoint.build()).isEqualTo(e);
        }
    }

    @Test
    void aBadEndpointOptionOfTheProcessIsRefusedNamingTheOption() {
        assertThatThrownBy(() -> ProviderMain.Options.parse(new String[] {"--port", "x"}, Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--port x");
        assertThatThrownBy(() -> ProviderMain.Options.parse(new String[] {"--port", "70000"}, Map.of()))
                .hasMessageContaining("--port 70000").hasMessageContaining("out of range");
        assertThatThrownBy(() -> ProviderMain.Options.parse(new String[] {"--session-timeout-ms", "0"}, Map.of()))
                .hasMessageContaining("sessionTimeout must be positive");
    }
}
