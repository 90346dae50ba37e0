package dev.rpcharness.loadtest.run;

import dev.rpcharness.cluster.ClusterSpec;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Properties;

/**
 * The system properties of a load run (or the properties a test passes): those that override the cluster the
 * simulation describes ({@link #applyTo}: {@code rpc.basePath}, {@code rpc.zookeeper}, the seed of
 * {@code rpc.replay}), and the run's own settings held here: whether the fleet is external, where run files go,
 * whether calls are recorded and checked, and the checker's slack. Immutable.
 *
 * @param externalFleet  {@code rpc.fleet=external}: start no providers, call the ones registered
 * @param resultsDir     {@code rpc.resultsDir}, else {@code gatling.resultsFolder}, else {@code target/gatling}
 * @param callHistory    {@code rpc.history}, true unless {@code false}
 * @param historySlack   {@code rpc.history.slackMs}, 2000 ms by default
 */
record LoadProperties(boolean externalFleet, Path resultsDir, boolean callHistory, Duration historySlack) {

    /**
     * The settings in {@code properties}.
     *
     * @param zooKeeperGiven whether {@code rpc.zookeeper} names an ensemble (an external fleet needs one)
     * @throws IllegalArgumentException naming the property whose value is bad
     */
    static LoadProperties from(Properties properties, boolean zooKeeperGiven) {
        boolean external = "external".equalsIgnoreCase(properties.getProperty("rpc.fleet", "embedded"));
        if (external && !zooKeeperGiven) {
            throw new IllegalArgumentException("rpc.fleet=external needs rpc.zookeeper=host:port");
        }
        Path results = Paths.get(properties.getProperty("rpc.resultsDir",
                properties.getProperty("gatling.resultsFolder", "target/gatling")));
        boolean history = Boolean.parseBoolean(properties.getProperty("rpc.history", "true"));
        String slack = properties.getProperty("rpc.history.slackMs", "2000").trim();
        try {
            return new LoadProperties(external, results, history, Duration.ofMillis(Long.parseLong(slack)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("rpc.history.slackMs must be a number of milliseconds, was '"
                    + slack + "'", e);
        }
    }

    /**
     * {@code declared} with the properties that override a cluster applied: {@code rpc.basePath},
     * {@code rpc.zookeeper} and the seed of the replayed run.
     *
     * @throws IllegalArgumentException naming the property whose value is bad
     */
    static ClusterSpec applyTo(ClusterSpec declared, Properties properties, ReplayRecord replay) {
        ClusterSpec.Builder spec = declared.toBuilder().seed(replay.seed(declared.seed()));
        String basePath = properties.getProperty("rpc.basePath");
        if (basePath != null) {
            spec.basePath(basePath);
        }
        String zooKeeper = properties.getProperty("rpc.zookeeper", "").trim();
        if (!zooKeeper.isEmpty()) {
            spec.externalZooKeeper(zooKeeper);
        }
        return spec.build();
    }
}
