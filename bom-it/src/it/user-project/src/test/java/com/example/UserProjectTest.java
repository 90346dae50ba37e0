package com.example;

import static dev.rpcharness.provider.wiremock.RpcWireMock.rpcMethod;
import static dev.rpcharness.provider.wiremock.RpcWireMock.rpcResult;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rpcharness.cluster.RpcCluster;
import dev.rpcharness.junit.WithRpcCluster;
import dev.rpcharness.provider.demo.EchoService;
import dev.rpcharness.provider.wiremock.WireMockProvider;
import java.io.File;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** What a user of the BOM gets: one Jackson, no netty-tcnative, and a harness that runs. */
class UserProjectTest {

    /** The test class path as Maven resolved it for this project: one jar per entry. */
    private static List<String> classPath() {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return Arrays.stream(cp.split(File.pathSeparator)).map(p -> p.replace('\\', '/')).toList();
    }

    @Test
    void everyJacksonModuleHasTheSameVersion() {
        // .../com/fasterxml/jackson/<group>/<artifact>/<version>/<artifact>-<version>.jar
        Pattern jackson = Pattern.compile("/com/fasterxml/jackson/[\\w/.]*?/([\\w.-]+)/([\\w.-]+)/[^/]+\\.jar$");
        Map<String, String> versions = new TreeMap<>();
        for (String entry : classPath()) {
            Matcher m = jackson.matcher(entry);
            if (m.find()) {
                versions.put(m.group(1), m.group(2));
            }
        }
        assertThat(versions).containsKey("jackson-databind");
        // jackson-annotations carries the minor version only ("2.21") from 2.20 on; every other module the same
        // full version.
        String databind = versions.get("jackson-databind");
        versions.forEach((artifact, version) -> assertThat(artifact.equals("jackson-annotations")
                ? databind.startsWith(version) : version.equals(databind))
                .as(artifact + " " + version + " beside jackson-databind " + databind + ": " + versions).isTrue());
    }

    @Test
    void noNettyTcnativeOnTheClassPath() {
        assertThat(classPath()).anyMatch(e -> e.contains("/io/netty/"));
        assertThat(classPath()).noneMatch(e -> e.contains("tcnative"));
    }

    @Test
    @WithRpcCluster(providers = 1)
    void aCallAgainstAnEmbeddedCluster(EchoService echo) {
        assertThat(echo.echo("from a user's build")).isEqualTo("from a user's build");
    }

    /** A user's interface, served only by a WireMock provider. */
    public interface GreetingService {
        String greet(String name);
    }

    @Test
    @WithRpcCluster(providers = 0, services = GreetingService.class)
    void aCallToAWireMockProvider(RpcCluster cluster, GreetingService greetings) {
        try (WireMockProvider wm = WireMockProvider.builder().registry(cluster.connectString())
                .service(GreetingService.class).build().start()) {
            wm.stubFor(rpcMethod(GreetingService.class, "greet").willReturn(rpcResult("hi ann")));
            assertThat(greetings.greet("ann")).isEqualTo("hi ann");
        }
    }
}
