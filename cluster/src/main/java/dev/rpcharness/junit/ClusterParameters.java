package dev.rpcharness.junit;

import dev.rpcharness.cluster.RpcCluster;
import dev.rpcharness.consumer.AsyncObjectProxy;
import dev.rpcharness.consumer.ConsumerClient;
import dev.rpcharness.provider.FakeProvider;
import dev.rpcharness.run.Timeline;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;

/**
 * The parameters a {@link WithRpcCluster} test may declare, resolved from its cluster: the cluster, its timeline,
 * its default client, a provider ({@link Provider}), an async proxy ({@link Async}) or a synchronous proxy of a
 * served interface.
 *
 * <p>Stateless; called by JUnit on the test's thread.
 */
final class ClusterParameters {

    private ClusterParameters() {
    }

    /** Whether a parameter of this kind can be resolved for a test configured by {@code config}. */
    static boolean supports(ParameterContext parameter, WithRpcCluster config) {
        Class<?> type = parameter.getParameter().getType();
        if (type == RpcCluster.class || type == ConsumerClient.class || type == FakeProvider.class
                || type == Timeline.class) {
            return true;
        }
        if (type == AsyncObjectProxy.class) {
            return parameter.isAnnotated(Async.class);
        }
        return type.isInterface() && WithRpcClusterSpec.services(config).contains(type);
    }

    /**
     * The value of a supported parameter, from {@code cluster}.
     *
     * @throws ParameterResolutionException when {@link Provider} names a provider the cluster does not have
     */
    static Object resolve(ParameterContext parameter, RpcCluster cluster) {
        Class<?> type = parameter.getParameter().getType();
        if (type == RpcCluster.class) {
            return cluster;
        }
        if (type == Timeline.class) {
            return cluster.timeline();
        }
        if (type == ConsumerClient.class) {
            return cluster.client();
        }
        if (type == FakeProvider.class) {
            int index = parameter.findAnnotation(Provider.class).map(Provider::value).orElse(0);
            if (index < 0 || index >= cluster.providers().size()) {
                throw new ParameterResolutionException("@Provider(" + index + ") on parameter "
                        + parameter.getParameter() + ", but the cluster has " + cluster.providers().size()
                        + " providers");
            }
            return cluster.provider(index);
        }
        if (type == AsyncObjectProxy.class) {
            Class<?> iface = parameter.findAnnotation(Async.class).orElseThrow().value();
            return cluster.client().createAsync(iface);
        }
        return cluster.proxy(type);
    }
}
