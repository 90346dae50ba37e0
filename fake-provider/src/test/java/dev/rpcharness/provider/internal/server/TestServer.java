package dev.rpcharness.provider.internal.server;

import dev.rpcharness.protocol.RpcJson;
import dev.rpcharness.provider.fault.FaultPlan;

/**
 * A {@link ProviderServer} listening on a free port of 127.0.0.1 and serving one interface, without the provider
 * around it: for tests of the server's parts (connections, pipeline). Closed by the test.
 */
final class TestServer implements AutoCloseable {

    private final ProviderServer server;
    private final int port;

    private TestServer(ProviderServer server) {
        this.server = server;
        this.port = server.bind(host(), 0);
    }

    /** A started server named {@code name} (its threads' prefix) serving {@code impl} for {@code iface}. */
    static <T> TestServer serving(String name, int maxRequestBytes, Class<T> iface, T impl) {
        ServiceTable services = new ServiceTable();
        services.serve(iface, impl);
        return new TestServer(new ProviderServer(new ProviderServer.Settings(name, 1, 2, false, maxRequestBytes),
                services, new CallCounters(), RpcJson.newMapper(), FaultPlan.none().newDecider(),
                (clientId, callerPort, requestId) -> { }, () -> name));
    }

    String host() {
        return "127.0.0.1";
    }

    int port() {
        return port;
    }

    String address() {
        return host() + ":" + port;
    }

    ProviderServer server() {
        return server;
    }

    ConnectionSet connections() {
        return server.connections();
    }

    @Override
    public void close() {
        server.close();
    }
}
