package dev.rpcharness.loadtest.gatling;

import io.gatling.javaapi.core.ActionBuilder;
import io.gatling.javaapi.core.Session;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * One RPC call step of a scenario, built by {@code RpcDsl.rpc("echo").call(EchoService.class, "echo", session ->
 * new Object[]{"hi"})}. Immutable: every method returns a new builder.
 */
public final class RpcCallBuilder implements ActionBuilder {

    private final String requestName;
    private final Class<?> service;
    private final String method;
    private final Function<Session, Object[]> args;
    /** The arguments of every call when they do not depend on the session, else null. */
    private final Object[] constantArgs;
    private final List<RpcCheck> checks;
    private final String saveAs;
    private final Function<Object, String> providerOfResult;

    RpcCallBuilder(String requestName, Class<?> service, String method, Function<Session, Object[]> args,
            Object[] constantArgs, List<RpcCheck> checks, String saveAs, Function<Object, String> providerOfResult) {
        this.requestName = requestName;
        this.service = service;
        this.method = method;
        this.args = args;
        this.constantArgs = constantArgs;
        this.checks = List.copyOf(checks);
        this.saveAs = saveAs;
        this.providerOfResult = providerOfResult;
    }

    /** Adds checks; a failed check makes the call a KO. */
    public RpcCallBuilder check(RpcCheck... more) {
        List<RpcCheck> all = new ArrayList<>(checks);
        for (RpcCheck c : more) {
            all.add(Objects.requireNonNull(c, "check"));
        }
        return new RpcCallBuilder(requestName, service, method, args, constantArgs, all, saveAs, providerOfResult);
    }

    /** Saves a successful call's result in the session under {@code key}. */
    public RpcCallBuilder saveAs(String key) {
        return new RpcCallBuilder(requestName, service, method, args, constantArgs, checks, Objects.requireNonNull(key, "key"),
                providerOfResult);
    }

    /**
     * Tells which provider answered a successful call from its result (for per-provider histograms), for services
     * whose answers name their provider. Failures name their provider themselves.
     */
    public RpcCallBuilder providerFromResult(Function<Object, String> extractor) {
        return new RpcCallBuilder(requestName, service, method, args, constantArgs, checks, saveAs,
                Objects.requireNonNull(extractor, "extractor"));
    }

    @Override
    public io.gatling.core.action.builder.ActionBuilder asScala() {
        return TargetActions.of((target, core, next) ->
                new RpcCallAction(this, target, next, core.statsEngine(), core.clock()));
    }

    String requestName() {
        return requestName;
    }

    Class<?> service() {
        return service;
    }

    String method() {
        return method;
    }

    Function<Session, Object[]> args() {
        return args;
    }

    /** The same arguments for every call (never modified), or null when {@link #args()} computes them. */
    Object[] constantArgs() {
        return constantArgs;
    }

    List<RpcCheck> checks() {
        return checks;
    }

    String saveAs() {
        return saveAs;
    }

    Function<Object, String> providerOfResult() {
        return providerOfResult;
    }
}
