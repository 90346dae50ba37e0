package dev.rpcharness.loadtest.gatling;

import io.gatling.core.CoreComponents;
import io.gatling.core.config.GatlingConfiguration;
import io.gatling.core.protocol.Protocol;
import io.gatling.core.protocol.ProtocolComponents;
import io.gatling.core.protocol.ProtocolKey;
import io.gatling.core.session.Session;
import java.util.Objects;
import scala.Function1;
import scala.runtime.BoxedUnit;

/**
 * Gatling's protocol for RPC calls through the consumer core: it carries the {@link RpcTarget} that every RPC and
 * chaos action of the simulation uses. Built by {@link RpcProtocolBuilder}; Gatling looks it up through
 * {@link #KEY} when it builds the actions.
 */
public final class RpcProtocol implements Protocol {

    /** Gatling's key of this protocol. */
    public static final ProtocolKey<RpcProtocol, Components> KEY = new Key();

    private final RpcTarget target;

    RpcProtocol(RpcTarget target) {
        this.target = Objects.requireNonNull(target, "target");
    }

    /** The target the actions call. */
    public RpcTarget target() {
        return target;
    }

    /** Per-simulation components of the protocol: the target; nothing to do when a user starts or ends. */
    public static final class Components implements ProtocolComponents {

        private final RpcTarget target;

        Components(RpcTarget target) {
            this.target = target;
        }

        public RpcTarget target() {
            return target;
        }

        @Override
        public Function1<Session, Session> onStart() {
            return Session.Identity();
        }

        @Override
        public Function1<Session, BoxedUnit> onExit() {
            return ProtocolComponents.NoopOnExit();
        }
    }

    private static final class Key implements ProtocolKey<RpcProtocol, Components> {

        @SuppressWarnings({"unchecked", "rawtypes"})
        @Override
        public Class<Protocol> protocolClass() {
            return (Class) RpcProtocol.class;
        }

        @Override
        public RpcProtocol defaultProtocolValue(GatlingConfiguration configuration) {
            throw new IllegalStateException("the simulation uses RPC actions but registers no RPC protocol: add "
                    + "setUp(...).protocols(RpcDsl.rpcProtocol(target))");
        }

        @Override
        public Function1<RpcProtocol, Components> newComponents(CoreComponents coreComponents) {
            return protocol -> new Components(protocol.target());
        }
    }
}
