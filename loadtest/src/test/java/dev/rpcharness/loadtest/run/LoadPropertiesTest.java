package dev.rpcharness.loadtest.run;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rpcharness.provider.demo.EchoService;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** A load run's bad property is rejected when the target is built, naming the property and its value. */
class LoadPropertiesTest {

    private static Properties with(String key, String value) {
        Properties props = new Properties();
        props.setProperty(key, value);
        return props;
    }

    @Test
    void badPropertiesAreNamedWithTheirValues() {
        assertThatThrownBy(() -> LoadTarget.builder("bad", with("rpc.history.slackMs", "soon")).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rpc.history.slackMs").hasMessageContaining("'soon'");
        assertThatThrownBy(() -> LoadTarget.builder("bad", with("rpc.warmUpCalls", "many"))
                .warmUp(10, EchoService.class, "echo", "w").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rpc.warmUpCalls").hasMessageContaining("'many'");
        assertThatThrownBy(() -> LoadTarget.builder("bad", with("rpc.basePath", "rpc")).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("basePath").hasMessageContaining("'rpc'");
    }
}
