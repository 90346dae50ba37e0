package dev.rpcharness.junit;

import dev.rpcharness.cluster.RpcCluster;
import dev.rpcharness.provider.FakeProvider;
import dev.rpcharness.run.TimelineAction;
import dev.rpcharness.run.TimelineEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * The replay record of one failed {@code @WithRpcCluster} test (docs/history.md, "Replay"): the cluster's seed,
 * each provider's fault plan with its seed, the client options, the chaos steps of the timeline with their offsets
 * from the cluster's start, and the test class and method. Its first line is a comment with the command that
 * re-runs the test with the recorded seed ({@value RpcClusterExtension#CLUSTER_SEED}).
 *
 * <p>Immutable once taken; taken on the test's thread in {@code afterEach} before a per-method cluster closes.
 */
final class ReplayNote {

    private final String testClass;
    private final String testMethod;
    private final String text;

    private ReplayNote(String testClass, String testMethod, String text) {
        this.testClass = testClass;
        this.testMethod = testMethod;
        this.text = text;
    }

    /** The record of {@code cluster} as the test {@code testClass#testMethod} left it. */
    static ReplayNote take(RpcCluster cluster, String testClass, String testMethod) {
        List<String> lines = new ArrayList<>();
        lines.add("# re-run: " + command(testClass, testMethod, cluster.seed()));
        lines.add(entry("testClass", testClass));
        lines.add(entry("testMethod", testMethod));
        lines.add(entry("seed", String.valueOf(cluster.seed())));
        lines.add(entry("clientOptions", String.valueOf(cluster.clientOptions())));
        List<FakeProvider> providers = cluster.providers();
        lines.add(entry("providers", String.valueOf(providers.size())));
        for (int i = 0; i < providers.size(); i++) {
            FakeProvider p = providers.get(i);
            lines.add(entry("provider." + i + ".faultPlan", String.valueOf(p.faultPlan())));
            lines.add(entry("provider." + i + ".faultPlanSeed", String.valueOf(p.faultPlan().seed())));
        }
        long origin = cluster.timeline().originNanos();
        int k = 0;
        for (TimelineEvent e : cluster.timeline().events()) {
            String action = e.action().endsWith(TimelineAction.FAILED_SUFFIX)
                    ? e.action().substring(0, e.action().length() - TimelineAction.FAILED_SUFFIX.length())
                    : e.action();
            if (!TimelineAction.isChaosStep(action)) {
                continue;
            }
            String prefix = "chaos." + k + ".";
            lines.add(entry(prefix + "offsetMillis",
                    String.valueOf(TimeUnit.NANOSECONDS.toMillis(e.monotonicNanos() - origin))));
            lines.add(entry(prefix + "action", e.action()));
            lines.add(entry(prefix + "subject", e.subject()));
            lines.add(entry(prefix + "detail", e.detail()));
            k++;
        }
        lines.add(entry("chaos.count", String.valueOf(k)));
        return new ReplayNote(testClass, testMethod, String.join("\n", lines) + "\n");
    }

    /**
     * The Maven command that re-runs {@code testClass#testMethod} with the cluster seeded by {@code seed}, in the
     * module the test runs in (surefire's working directory, the module's folder) with what it depends on.
     */
    static String command(String testClass, String testMethod, long seed) {
        Path module = Path.of("").toAbsolutePath().getFileName();
        return "mvn -B -ntp -pl " + (module == null ? "." : module) + " -am verify -Dtest='" + testClass + "#"
                + testMethod + "' -D"
                + RpcClusterExtension.CLUSTER_SEED + "=" + seed + " -Dsurefire.failIfNoSpecifiedTests=false";
    }

    /** The re-run command of this record. */
    String command() {
        return text.lines().findFirst().orElseThrow().substring("# re-run: ".length());
    }

    /** Writes the record as {@code <class>.<method>.rpc-replay.properties} into {@code dir}; returns the file. */
    Path writeInto(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve((testClass + "." + testMethod).replaceAll("[^A-Za-z0-9._$-]", "_")
                + ".rpc-replay.properties");
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }

    /** One properties line, escaped as {@link Properties#load} reads it. */
    private static String entry(String key, String value) {
        StringBuilder out = new StringBuilder(key).append('=');
        for (char c : value.toCharArray()) {
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
