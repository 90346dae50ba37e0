package dev.rpcharness.provider.registration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The one description of a provider's endpoint: defaults, checks named as the setting, derived node path. */
class ProviderEndpointTest {

    @Test
    void defaultsListenOnLoopbackOnAFreePortWithoutRegistering() {
        ProviderEndpoint e = ProviderEndpoint.builder().build();

        assertThat(e.host()).isEqualTo("127.0.0.1");
        assertThat(e.port()).isZero();
        assertThat(e.registers()).isFalse();
        assertThat(e.basePath()).isEqualTo("/rpc");
        assertThat(e.nameOr("provider-1")).isEqualTo("provider-1");
        assertThat(e.sessionTimeout()).isEqualTo(RegistryClients.DEFAULT_SESSION_TIMEOUT);
        assertThat(e.registryConnectTimeout()).isEqualTo(RegistryClients.DEFAULT_CONNECT_TIMEOUT);
    }

    @Test
    void theNodePathFollowsTheWireContractWithTheBoundPort() {
        ProviderEndpoint e = ProviderEndpoint.builder().host("10.0.0.7").basePath("/orders/").registry("zk:2181")
                .build();

        assertThat(e.basePath()).as("trailing slash dropped").isEqualTo("/orders");
        assertThat(e.nodePath(20881)).isEqualTo("/orders/providers/10.0.0.7:20881");
        assertThat(ProviderEndpoint.builder().basePath("/").build().nodePath(1)).isEqualTo("/providers/127.0.0.1:1");
    }

    @Test
    void badValuesAreRefusedNamingTheSettingAndTheValue() {
        ProviderEndpoint.Builder b = ProviderEndpoint.builder();

        assertThatThrownBy(() -> b.port(65_536)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("port 65536 is out of range 0..65535");
        assertThatThrownBy(() -> b.port(-1)).hasMessageContaining("port -1");
        assertThatThrownBy(() -> b.basePath("rpc")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'rpc'");
        assertThatThrownBy(() -> b.host(" ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("host");
        assertThatThrownBy(() -> b.registry("")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("registry");
        assertThatThrownBy(() -> b.name("")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("name");
        assertThatThrownBy(() -> b.sessionTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("sessionTimeout must be positive: PT0S");
        assertThatThrownBy(() -> b.registryConnectTimeout(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("registryConnectTimeout");
        assertThatThrownBy(() -> b.sessionTimeout(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("sessionTimeout");
        assertThatThrownBy(() -> ProviderEndpoint.builder().build().nodePath(70_000))
                .hasMessageContaining("port 70000");
    }

    @Test
    void anAdvertisedAddressNamesTheNodeInsteadOfWhereTheProviderListens() {
        ProviderEndpoint plain = ProviderEndpoint.builder().registry("127.0.0.1:2181").build();
        ProviderEndpoint linked = plain.toBuilder().advertise("127.0.0.1", 41_000).build();
        assertThat(plain.advertises()).isFalse();
        assertThat(plain.advertisedAddress(20_881)).isEqualTo("127.0.0.1:20881");
        assertThat(linked.nodePath(20_881)).isEqualTo("/rpc/providers/127.0.0.1:41000");
        assertThat(linked.advertisedAddress(20_881)).isEqualTo("127.0.0.1:41000");
        assertThat(linked.toBuilder().build()).isEqualTo(linked).isNotEqualTo(plain);
        assertThatThrownBy(() -> ProviderEndpoint.builder().advertise("127.0.0.1", 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("advertise").hasMessageContaining("0");
        assertThatThrownBy(() -> ProviderEndpoint.builder().advertise(" ", 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("advertise");
    }

    @Test
    void toBuilderGivesAnEqualEndpointToDeriveAnotherFrom() {
        ProviderEndpoint e = ProviderEndpoint.builder().host("::1").port(8080).registry("zk:2181").basePath("/a")
                .name("a-1").sessionTimeout(Duration.ofSeconds(3)).registryConnectTimeout(Duration.ofSeconds(4))
                .build();

        assertThat(e.toBuilder().build()).isEqualTo(e).hasSameHashCodeAs(e);
        ProviderEndpoint other = e.toBuilder().port(8081).build();
        assertThat(other).isNotEqualTo(e);
        assertThat(other.name()).isEqualTo("a-1");
        assertThat(e.toBuilder().registry(null).build().registers()).isFalse();
    }

    @Test
    void aRegistrationOfAnEndpointWithoutARegistryIsRefusedNamingIt() {
        ProviderEndpoint unregistered = ProviderEndpoint.builder().name("lonely").build();

        assertThatThrownBy(() -> Registration.builder(unregistered, 20881, () -> new byte[0]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lonely")
                .hasMessageContaining("no registry");
        assertThatThrownBy(() -> new Registrations(unregistered, new Registration.Listener() { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no registry");
    }
}
