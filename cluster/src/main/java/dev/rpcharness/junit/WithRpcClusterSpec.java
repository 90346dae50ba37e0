package dev.rpcharness.junit;

import dev.rpcharness.cluster.ClusterSpec;
import dev.rpcharness.consumer.ConsumerOptions;
import java.lang.reflect.Constructor;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/**
 * Maps {@link WithRpcCluster} onto the one description of a cluster, {@link ClusterSpec}: a bare annotation is
 * {@link ClusterSpec#defaults()}; an attribute left at {@link WithRpcCluster#UNSET} leaves its option to the
 * spec's (the client's) default. What the extension adds per cluster, the call-history folder and the seed of
 * {@value RpcClusterExtension#CLUSTER_SEED}, is not part of this mapping.
 *
 * <p>Stateless; callable from any thread.
 */
public final class WithRpcClusterSpec {

    private WithRpcClusterSpec() {
    }

    /**
     * The cluster {@code config} describes.
     *
     * @throws ExtensionConfigurationException when the services and implementations do not pair up, an
     *                                         implementation cannot be constructed, or an attribute's value is bad
     *                                         (the message names the attribute and the value)
     */
    public static ClusterSpec of(WithRpcCluster config) {
        boolean callOnly = config.providers() == 0 && config.implementations().length == 0;
        if (config.services().length != config.implementations().length && !callOnly) {
            throw new ExtensionConfigurationException("@WithRpcCluster lists " + config.services().length
                    + " services but " + config.implementations().length + " implementations; pair them by position"
                    + " (or use providers = 0 and no implementations to call providers the test starts itself)");
        }
        try {
            ClusterSpec.Builder spec = ClusterSpec.builder()
                    .providers(config.providers())
                    .zooKeeperEnsemble(config.zooKeeperEnsemble())
                    .basePath(config.basePath())
                    .clientOptions(clientOptions(config))
                    .links(config.links());
            if (config.clientSessionTimeoutMs() != WithRpcCluster.UNSET) {
                spec.clientSessionTimeout(Duration.ofMillis(config.clientSessionTimeoutMs()));
            }
            if (config.providerSessionTimeoutMs() != WithRpcCluster.UNSET) {
                spec.providerSessionTimeout(Duration.ofMillis(config.providerSessionTimeoutMs()));
            }
            for (int i = 0; i < config.implementations().length; i++) {
                serve(spec, config.services()[i], config.implementations()[i]);
            }
            return spec.build();
        } catch (IllegalArgumentException e) {
            throw new ExtensionConfigurationException("@WithRpcCluster: " + e.getMessage()
                    + " (an attribute left out, or set to WithRpcCluster.UNSET, takes the default)", e);
        }
    }

    /** The interfaces a test may ask proxies of: the listed services, or the demo {@code EchoService}. */
    static List<Class<?>> services(WithRpcCluster config) {
        return config.services().length == 0 ? List.copyOf(ClusterSpec.defaults().services().keySet())
                : Arrays.asList(config.services());
    }

    private static ConsumerOptions clientOptions(WithRpcCluster config) {
        ConsumerOptions.Builder options = ConsumerOptions.builder();
        if (config.callTimeoutMs() != WithRpcCluster.UNSET) {
            options.callTimeout(Duration.ofMillis(config.callTimeoutMs()));
        }
        if (config.providerWaitTimeoutMs() != WithRpcCluster.UNSET) {
            options.providerWaitTimeout(Duration.ofMillis(config.providerWaitTimeoutMs()));
        }
        if (config.connectionsPerProvider() != WithRpcCluster.UNSET) {
            options.connectionsPerProvider(config.connectionsPerProvider());
        }
        return options.build();
    }

    private static <T> void serve(ClusterSpec.Builder spec, Class<T> iface, Class<?> implementation) {
        if (!iface.isAssignableFrom(implementation)) {
            throw new ExtensionConfigurationException(implementation.getName() + " does not implement "
                    + iface.getName());
        }
        Constructor<?> constructor;
        try {
            constructor = implementation.getDeclaredConstructor();
            constructor.setAccessible(true);
        } catch (NoSuchMethodException | RuntimeException e) {
            throw new ExtensionConfigurationException(implementation.getName()
                    + " needs a no-argument constructor to serve " + iface.getName(), e);
        }
        Supplier<T> supplier = () -> {
            try {
                return iface.cast(constructor.newInstance());
            } catch (ReflectiveOperationException e) {
                throw new ExtensionConfigurationException("cannot construct " + implementation.getName(), e);
            }
        };
        spec.serve(iface, supplier);
    }
}
