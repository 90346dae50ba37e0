package dev.rpcharness.loadtest.gatling;

import dev.rpcharness.consumer.AsyncObjectProxy;
import dev.rpcharness.consumer.AsyncRpcCallback;
import dev.rpcharness.consumer.RpcFuture;
import dev.rpcharness.loadtest.record.Outcome;
import io.gatling.commons.stats.KO$;
import io.gatling.commons.stats.OK$;
import io.gatling.commons.stats.Status;
import io.gatling.commons.util.Clock;
import io.gatling.core.action.Action;
import io.gatling.core.session.Session;
import io.gatling.core.stats.StatsEngine;
import io.netty.channel.EventLoop;
import java.util.Arrays;
import java.util.List;
import scala.Option;

/**
 * Gatling action that makes one asynchronous RPC call through the consumer core's {@link AsyncObjectProxy}.
 *
 * <p>Threading: {@link #$bang} notes the moment the user is handed over (the call's intended start) and starts the
 * call on the user's event loop; {@code call} never blocks. The call's end arrives on the consumer's callback
 * thread, which runs the checks (they see the result, the arguments and the session), records the latency, logs OK
 * or KO (with the outcome class as status code) to Gatling's stats engine and hands the
 * session to the next action with {@code next ! session}, which runs it on the user's own event loop. Every call
 * ends, at the latest at the consumer's call timeout, so every virtual user ends too.
 */
final class RpcCallAction extends JavaAction {


    private final RpcCallBuilder spec;
    private final RpcTarget target;
    private final Clock clock;

    RpcCallAction(RpcCallBuilder spec, RpcTarget target, Action next, StatsEngine statsEngine, Clock clock) {
        super("rpc-" + spec.requestName(), next, statsEngine);
        this.spec = spec;
        this.target = target;
        this.clock = clock;
    }

    /** Notes the hand-over time as the call's intended start, then runs the call on the user's event loop. */
    @Override
    public void $bang(Session session) {
        long intendedStart = System.nanoTime();
        EventLoop loop = session.eventLoop();
        if (loop.inEventLoop()) {
            guarded(session, () -> start(session, intendedStart));
        } else if (!loop.isShutdown()) {
            loop.execute(() -> guarded(session, () -> start(session, intendedStart)));
        }
    }

    @Override
    void run(Session session) {
        start(session, System.nanoTime());
    }

    private void start(Session session, long intendedStartNanos) {
        Object[] args;
        RpcFuture future;
        io.gatling.javaapi.core.Session javaSession = new io.gatling.javaapi.core.Session(session);
        try {
            Object[] computed = spec.args().apply(javaSession);
            args = computed == null ? new Object[0] : computed;
            AsyncObjectProxy proxy = target.proxy(spec.service());
            future = proxy.call(spec.method(), args);
        } catch (RuntimeException e) {
            String message = "cannot start " + spec.service().getSimpleName() + "#" + spec.method() + ": " + e;
            logger().underlying().error("{} ({})", message, spec.requestName());
            statsEngine().logRequestCrash(session.scenario(), session.groups(), spec.requestName(), message);
            proceed(session.markAsFailed());
            return;
        }
        List<Object> argList = Arrays.asList(args.clone());
        future.addCallback(new AsyncRpcCallback() {
            @Override
            public void success(Object result) {
                end(session, javaSession, argList, future, intendedStartNanos, result, null);
            }

            @Override
            public void fail(Exception e) {
                end(session, javaSession, argList, future, intendedStartNanos, null, e);
            }
        });
    }

    /**
     * Judges the call (its outcome on the wire, then the checks), then records it under one outcome everywhere:
     * a call that returned but failed a check is {@link Outcome#CHECK_FAILED} in the latency log, the summary and
     * Gatling's status, and KO in Gatling.
     */
    private void end(Session session, io.gatling.javaapi.core.Session javaSession, List<Object> args,
            RpcFuture future, long intendedStartNanos, Object value, Throwable error) {
        long endNanos = future.endNanos() != 0 ? future.endNanos() : System.nanoTime();
        long latencyNanos = Math.max(0, endNanos - Math.min(intendedStartNanos, future.startNanos()));
        Outcome wire = Outcome.of(error);
        String provider = future.providerAddress() != null ? future.providerAddress() : providerOf(value);
        RpcResult result = new RpcResult(wire, value, error, provider, latencyNanos, args, javaSession);
        String failure = RpcVerdict.judge(spec.checks(), result);
        Outcome outcome = RpcVerdict.recordedOutcome(wire, failure);
        target.recorder().record(spec.method(), provider, outcome, latencyNanos);

        long endMillis = clock.nowMillis();
        long startMillis = endMillis - Math.round(latencyNanos / 1_000_000.0);
        Status status = failure == null ? OK$.MODULE$ : KO$.MODULE$;
        statsEngine().logResponse(session.scenario(), session.groups(), spec.requestName(), startMillis, endMillis,
                status, Option.apply(outcome.label()), Option.apply(failure));

        Session next = session;
        if (failure != null) {
            next = next.markAsFailed();
        } else if (spec.saveAs() != null && outcome == Outcome.OK) {
            next = next.set(spec.saveAs(), value);
        }
        proceed(next);
    }

    private String providerOf(Object value) {
        if (spec.providerOfResult() == null) {
            return null;
        }
        try {
            return spec.providerOfResult().apply(value);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
