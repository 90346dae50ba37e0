package dev.rpcharness.loadtest.run;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Properties;

/**
 * The settings of a load run that are not the cluster's, read from system properties (or the properties a test
 * passes): whether the fleet is external, where run files go, whether calls are recorded and checked, and the
 * checker's slack. The cluster's own settings ({@code rpc.basePath}, {@code rpc.zookeeper}, the replayed seed) go
 * into its {@link dev.rpcharness.cluster.ClusterSpec} instead.
 *
 * @param externalFleet  {@code rpc.fleet=external}: start no providers, call the ones registered
 * @param resultsDir     {@code rpc.resultsDir}, else {@code gatling.resultsFolder}, else {@code target/gatling}
 * @param callHistory    {@code rpc.history}, true unless {@code false}
 * @param historySlack   {@code rpc.history.slackMs}, 2000 ms by default
 */
record RunSettings(boolean externalFleet, Path resultsDir, boolean callHistory, Duration historySlack) {

    /**
     * The settings in {@code properties}.
     *
     * @param zooKeeperGiven whether {@code rpc.zookeeper} names an ensemble (an external fleet needs one)
     * @throws IllegalArgumentException naming the property whose value is bad
     */
    static RunSettings from(Properties properties, boolean zooKeeperGiven) {
        boolean external = "external".equalsIgnoreCase(properties.getProperty("rpc.fleet", "embedded"));
        if (external && !zooKeeperGiven) {
            throw new IllegalArgumentException("rpc.fleet=external needs rpc.zookeeper=host:port");
        }
        Path results = Paths.get(properties.getProperty("rpc.resultsDir",
                properties.getProperty("gatling.resultsFolder", "target/gatling")));
        boolean history = Boolean.parseBoolean(properties.getProperty("rpc.history", "true"));
        String slack = properties.getProperty("rpc.history.slackMs", "2000").trim();
        try {
            return new RunSettings(external, results, history, Duration.ofMillis(Long.parseLong(slack)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("rpc.history.slackMs must be a number of milliseconds, was '"
                    + slack + "'", e);
        }
    }
}
