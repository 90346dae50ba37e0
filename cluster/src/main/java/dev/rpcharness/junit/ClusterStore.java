package dev.rpcharness.junit;

import dev.rpcharness.cluster.ClusterSpec;
import dev.rpcharness.cluster.RpcCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Where {@link RpcClusterExtension} keeps a test's cluster: finds the {@link WithRpcCluster} that applies (the
 * method's, else the class's or an enclosing class's), the context that owns the cluster (the class's for a
 * per-class cluster, else the method's) and starts the cluster in that context's {@link ExtensionContext.Store},
 * so JUnit closes it when the context ends.
 *
 * <p>Stateless; everything lives in the contexts' stores.
 */
final class ClusterStore {

    static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(RpcClusterExtension.class);
    private static final String CLUSTER = "cluster";

    private ClusterStore() {
    }

    /** The annotation that applies to {@code context}: the method's, else the nearest class's. */
    static WithRpcCluster config(ExtensionContext context) {
        Optional<WithRpcCluster> onMethod = context.getTestMethod()
                .flatMap(m -> AnnotationSupport.findAnnotation(m, WithRpcCluster.class));
        if (onMethod.isPresent()) {
            return onMethod.get();
        }
        for (Optional<ExtensionContext> c = Optional.of(context); c.isPresent(); c = c.get().getParent()) {
            Optional<WithRpcCluster> onClass = c.get().getTestClass()
                    .flatMap(k -> AnnotationSupport.findAnnotation(k, WithRpcCluster.class));
            if (onClass.isPresent()) {
                return onClass.get();
            }
        }
        throw new ExtensionConfigurationException("RpcClusterExtension needs @WithRpcCluster on "
                + context.getDisplayName() + " or its class");
    }

    /** The context whose store holds the cluster: the class's for a per-class cluster, else the method's. */
    static ExtensionContext owner(ExtensionContext context) {
        WithRpcCluster config = config(context);
        boolean methodAnnotated = context.getTestMethod()
                .map(m -> AnnotationSupport.isAnnotated(m, WithRpcCluster.class)).orElse(false);
        if (config.scope() == WithRpcCluster.Scope.PER_CLASS && !methodAnnotated) {
            ExtensionContext owner = context;
            while (owner.getTestMethod().isPresent() && owner.getParent().isPresent()) {
                owner = owner.getParent().get();
            }
            return owner;
        }
        return context;
    }

    /** The cluster of {@code context}, started on first use. */
    static RpcCluster cluster(ExtensionContext context) {
        WithRpcCluster config = config(context);
        return owner(context).getStore(NAMESPACE).getOrComputeIfAbsent(CLUSTER,
                key -> start(config, seed(context)), RpcCluster.class);
    }

    /** The cluster of {@code context} if one was started, else null. */
    static RpcCluster existing(ExtensionContext context) {
        return owner(context).getStore(NAMESPACE).get(CLUSTER, RpcCluster.class);
    }

    /** Takes the cluster out of {@code context}'s own store (its owner), so the caller closes it. */
    static RpcCluster remove(ExtensionContext context) {
        return context.getStore(NAMESPACE).remove(CLUSTER, RpcCluster.class);
    }

    /** The seed fixed by {@value RpcClusterExtension#CLUSTER_SEED} (configuration parameter, else property). */
    private static Optional<Long> seed(ExtensionContext context) {
        String key = RpcClusterExtension.CLUSTER_SEED;
        Optional<String> value = context.getConfigurationParameter(key)
                .or(() -> Optional.ofNullable(System.getProperty(key)));
        try {
            return value.map(String::trim).map(Long::parseLong);
        } catch (NumberFormatException e) {
            throw new ExtensionConfigurationException(key + " must be a long (the seed of a replay record), was '"
                    + value.get() + "'", e);
        }
    }

    /** The annotation's cluster, with the fixed seed and (when it checks calls) a fresh call-history folder. */
    private static RpcCluster start(WithRpcCluster config, Optional<Long> seed) {
        ClusterSpec.Builder spec = WithRpcClusterSpec.of(config).toBuilder();
        seed.ifPresent(spec::seed);
        if (config.checkCallHistory()) {
            spec.callHistory(historyDir());
        }
        return RpcCluster.start(spec.build());
    }

    /** The folder of a new cluster's call histories: under {@value RpcClusterExtension#HISTORY_DIR}. */
    private static Path historyDir() {
        Path base = historyBase();
        try {
            Files.createDirectories(base);
            return Files.createTempDirectory(base, "cluster-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a call-history folder under " + base.toAbsolutePath(), e);
        }
    }

    /** {@value RpcClusterExtension#HISTORY_DIR}, else target/rpc-history. */
    static Path historyBase() {
        return Path.of(System.getProperty(RpcClusterExtension.HISTORY_DIR, "target/rpc-history"));
    }
}
