package dev.rpcharness.loadtest.gatling;

import io.gatling.javaapi.core.ProtocolBuilder;

/** Java DSL face of {@link RpcProtocol}: {@code setUp(...).protocols(RpcDsl.rpcProtocol(target))}. Immutable. */
public final class RpcProtocolBuilder implements ProtocolBuilder {

    private final RpcTarget target;

    RpcProtocolBuilder(RpcTarget target) {
        this.target = target;
    }

    @Override
    public RpcProtocol protocol() {
        return new RpcProtocol(target);
    }
}
