package dev.rpcharness.provider.standalone;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
}
