package dev.rpcharness.loadtest.spread;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rpcharness.injectors.LostInjectorPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class SpreadPropertiesTest {

    private static Properties of(String... pairs) {
        Properties p = new Properties();
        for (int i = 0; i < pairs.length; i += 2) {
            p.setProperty(pairs[i], pairs[i + 1]);
        }
        return p;
    }

    @Test
    void withoutPropertiesARunHasOneInjector() {
        SpreadProperties s = SpreadProperties.from(new Properties());

        assertThat(s.spread()).isFalse();
        assertThat(s.host()).isFalse();
        assertThat(s.guest()).isFalse();
        assertThat(s).isEqualTo(SpreadProperties.SOLO);
    }

    @Test
    void injectorsWithoutAnIndexMakeThisJvmTheHost() {
        SpreadProperties s = SpreadProperties.from(of("rpc.injectors", "3", "rpc.injectors.onLost", "Partial",
                "rpc.injectors.barrierSeconds", "30"));

        assertThat(s.host()).isTrue();
        assertThat(s.guest()).isFalse();
        assertThat(s.injectors()).isEqualTo(3);
        assertThat(s.onLost()).isEqualTo(LostInjectorPolicy.PARTIAL);
        assertThat(s.barrierTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.launch()).isTrue();
    }

    @Test
    void anIndexWithCoordinatorAndRunMakesAGuest() {
        SpreadProperties s = SpreadProperties.from(of("rpc.injectors", "3", "rpc.injector.index", "2",
                "rpc.coordinator", "127.0.0.1:2181", "rpc.run.id", "nightly-7", "rpc.history.dir", "/tmp/h"));

        assertThat(s.guest()).isTrue();
        assertThat(s.index()).isEqualTo(2);
        assertThat(s.coordinator()).isEqualTo("127.0.0.1:2181");
        assertThat(s.runId()).isEqualTo("nightly-7");
        assertThat(s.historyDir()).isEqualTo(Path.of("/tmp/h"));
    }

    @Test
    void badValuesAreNamed() {
        assertThatThrownBy(() -> SpreadProperties.from(of("rpc.injectors", "three")))
                .hasMessage("rpc.injectors must be a whole number, was 'three'");
        assertThatThrownBy(() -> SpreadProperties.from(of("rpc.injectors", "0")))
                .hasMessage("rpc.injectors must be 1 to 64, was 0");
        assertThatThrownBy(() -> SpreadProperties.from(of("rpc.injectors", "2", "rpc.injector.index", "2",
                "rpc.coordinator", "h:1", "rpc.run.id", "r")))
                .hasMessageContaining("rpc.injector.index must be 1 to 1 for a run of 2 injectors");
        assertThatThrownBy(() -> SpreadProperties.from(of("rpc.injectors", "2", "rpc.injector.index", "1")))
                .hasMessageContaining("needs rpc.coordinator=host:port and rpc.run.id");
        assertThatThrownBy(() -> SpreadProperties.from(of("rpc.injectors.onLost", "ignore")))
                .hasMessage("rpc.injectors.onLost must be fail or partial, was 'ignore'");
        assertThatThrownBy(() -> SpreadProperties.from(of("rpc.injectors.barrierSeconds", "0")))
                .hasMessage("rpc.injectors.barrierSeconds must be at least 1, was 0");
        assertThatThrownBy(() -> SpreadProperties.from(of("rpc.injectors.abortIfErrorPercent", "5%")))
                .hasMessage("rpc.injectors.abortIfErrorPercent must be a percentage from 0 to 100, was '5%'");
        assertThatThrownBy(() -> SpreadProperties.from(of("rpc.injectors.abortIfErrorPercent", "101")))
                .hasMessageContaining("was '101'");
        assertThat(SpreadProperties.from(of("rpc.injectors.abortIfErrorPercent", "2.5")).abortIfErrorPercent())
                .isEqualTo(2.5);
        assertThat(SpreadProperties.from(new Properties()).abortIfErrorPercent()).isNaN();
    }

    @Test
    void aSpreadIsCheckedAgainstItsTarget() {
        SpreadProperties host = SpreadProperties.from(of("rpc.injectors", "2"));
        SpreadProperties guest = SpreadProperties.from(of("rpc.injectors", "2", "rpc.injector.index", "1",
                "rpc.coordinator", "h:1", "rpc.run.id", "r"));

        assertThat(host.checkedFor(true, false)).isSameAs(host);
        assertThat(guest.checkedFor(true, true)).isSameAs(guest);
        assertThat(SpreadProperties.SOLO.checkedFor(false, true)).isSameAs(SpreadProperties.SOLO);
        assertThatThrownBy(() -> host.checkedFor(false, false)).hasMessageContaining("LoadTarget.builder(");
        assertThatThrownBy(() -> host.checkedFor(true, true)).hasMessageContaining("an external fleet");
        assertThatThrownBy(() -> guest.checkedFor(true, false))
                .hasMessageContaining("injector 1 calls the host's fleet: it needs rpc.fleet=external");
    }

    @Test
    void theHostForwardsTheScenariosSettingsButNotTheJvmsOwnOrThePlacement() {
        Properties p = of("rpc.duration", "15", "rpc.injectors", "3", "rpc.injector.index", "0",
                "rpc.zookeeper", "h:1", "gatling.core.encoding", "utf-8", "https.proxyHost", "127.0.0.1",
                "rate", "300", "slo.p99Ms", "100", "java.io.tmpdir", "/tmp", "user.dir", "/work",
                "unrelated", "x", "custom", "y", "rpc.injectors.forward", "custom");

        Map<String, String> forwarded = SpreadProperties.forwarded(p,
                List.of("-Xmx1g", "-Drate=300", "-Dslo.p99Ms=100", "-Djava.io.tmpdir=/tmp", "-Duser.dir=/work"));

        assertThat(forwarded).containsOnlyKeys("rpc.duration", "gatling.core.encoding", "https.proxyHost", "rate",
                "slo.p99Ms", "custom", "rpc.injectors.forward");
    }
}
