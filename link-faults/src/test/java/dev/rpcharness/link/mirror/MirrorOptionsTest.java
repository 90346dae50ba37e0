package dev.rpcharness.link.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rpcharness.link.ToxicScope;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every bad mirror option is refused with its name, from the builder and from the command line. */
class MirrorOptionsTest {

    private static MirrorOptions.Builder valid() {
        return MirrorOptions.builder().zookeeper("127.0.0.1:2181");
    }

    private static void refused(Runnable build, String option, String text) {
        assertThatThrownBy(build::run).isInstanceOf(MirrorOptionException.class)
                .hasMessageContaining(option).hasMessageContaining(text)
                .satisfies(e -> assertThat(((MirrorOptionException) e).option()).isEqualTo(option));
    }

    @Test
    void defaultsAreLoopbackToxiproxysPortAndTheRpcMirrorPath() {
        MirrorOptions o = valid().build();
        assertThat(o.basePath()).isEqualTo("/rpc");
        assertThat(o.mirrorBasePath()).isEqualTo("/rpc-mirror");
        assertThat(o.linkHost()).isEqualTo("127.0.0.1");
        assertThat(o.advertisedHost()).isEqualTo("127.0.0.1");
        assertThat(o.apiHost()).isEqualTo("127.0.0.1");
        assertThat(o.apiPort()).isEqualTo(8474);
        assertThat(o.apiToken()).isNull();
        assertThat(o.scope()).isEqualTo(ToxicScope.OPEN_AND_NEW);
        assertThat(o.toBuilder().build().toString()).isEqualTo(o.toString());
    }

    @Test
    void badValuesAreRefusedNamingTheOption() {
        refused(() -> MirrorOptions.builder().build(), "zookeeper", "required");
        refused(() -> valid().zookeeper(" "), "zookeeper", "empty");
        refused(() -> valid().basePath("rpc"), "basePath", "'rpc'");
        refused(() -> valid().mirrorBasePath("/rpc").build(), "mirrorBasePath", "'/rpc'");
        refused(() -> valid().mirrorBasePath("/rpc/providers/x").build(), "mirrorBasePath", "/rpc/providers/x");
        refused(() -> valid().basePath("/a/providers/b").mirrorBasePath("/a").build(), "mirrorBasePath", "'/a'");
        refused(() -> valid().apiPort(70_000), "apiPort", "70000");
        refused(() -> valid().apiPort(-1), "apiPort", "-1");
        refused(() -> valid().apiHost("0.0.0.0").build(), "apiToken", "0.0.0.0");
        refused(() -> valid().apiToken(" "), "apiToken", "blank");
        refused(() -> valid().linkHost("0.0.0.0").build(), "advertisedHost", "0.0.0.0");
        refused(() -> valid().advertisedHost("::"), "advertisedHost", "wildcard");
        refused(() -> valid().sessionTimeout(Duration.ofMillis(10)), "sessionTimeout", "10 ms");
        refused(() -> valid().connectTimeout(Duration.ofHours(1)), "connectTimeout", "3600000 ms");
        refused(() -> valid().ioThreads(0), "ioThreads", "was 0");
        refused(() -> valid().scope(null), "scope", "null");
    }

    @Test
    void aWildcardLinkHostWithAnAdvertisedHostAndATokenOffLoopbackAreFine() {
        MirrorOptions o = valid().linkHost("0.0.0.0").advertisedHost("10.0.0.7").apiHost("0.0.0.0")
                .apiToken("s3cret").build();
        assertThat(o.advertisedHost()).isEqualTo("10.0.0.7");
        assertThat(o.apiToken()).isEqualTo("s3cret");
    }

    @Test
    void theCommandLineMapsFlagsToOptionsAndNamesTheBadOne() {
        MirrorMain.Command c = MirrorMain.parse(new String[] {"--zookeeper", "zk:2181", "--mirror-base-path", "/m",
                "--api-port", "0", "--session-timeout", "5000", "--scope", "new_only", "--exit-on-stdin-eof"},
                Map.of(MirrorMain.TOKEN_ENV, "t0k"));
        assertThat(c.exitOnStdinEof()).isTrue();
        assertThat(c.options().zookeeper()).isEqualTo("zk:2181");
        assertThat(c.options().mirrorBasePath()).isEqualTo("/m");
        assertThat(c.options().apiPort()).isZero();
        assertThat(c.options().sessionTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.options().scope()).isEqualTo(ToxicScope.NEW_ONLY);
        assertThat(c.options().apiToken()).isEqualTo("t0k");

        refused(() -> MirrorMain.parse(new String[] {"--zookeeper", "zk", "--api-port", "abc"}, Map.of()),
                "apiPort", "'abc'");
        refused(() -> MirrorMain.parse(new String[] {"--zookeeper", "zk", "--colour", "red"}, Map.of()),
                "colour", "not an option");
        refused(() -> MirrorMain.parse(new String[] {"--zookeeper"}, Map.of()), "zookeeper", "needs a value");
        refused(() -> MirrorMain.parse(new String[] {"--zookeeper", "zk", "--scope", "some"}, Map.of()),
                "scope", "'some'");
        refused(() -> MirrorMain.parse(new String[] {"--zookeeper", "zk", "--api-token-file", "/nonexistent/t"},
                Map.of()), "apiTokenFile", "/nonexistent/t");
        refused(() -> MirrorMain.parse(new String[] {"--mirror-base-path", "/m"}, Map.of()), "zookeeper", "required");
    }
}
