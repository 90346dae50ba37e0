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
import scala.Option;

/**
 * Gatling action that makes one asynchronous RPC call through the consumer core's {@link AsyncObjectProxy}.
 *
 * <p>Threading: {@link #$bang} notes the moment the user is handed over (the call's intended start) and starts the
 * call on the user's event loop; {@code call} never blocks. The call's end arrives on the consumer's callback
 * thread, which records the latency, logs OK or KO (with the outcome class) to Gatling's stats engine and hands the
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
        try {
            args = spec.args().apply(new io.gatling.javaapi.core.Session(session));
            AsyncObjectProxy proxy = target.proxy(spec.service());
            future = proxy.call(spec.method(), args == null ? new Object[0] : args);
        } catch (RuntimeException e) {
            String message = "cannot start " + spec.service().getSimpleName() + "#" + spec.method() + ": " + e;
            logger().underlying().error("{} ({})", message, spec.requestName());
            statsEngine().logRequestCrash(session.scenario(), session.groups(), spec.requestName(), message);
            proceed(session.markAsFailed());
            return;
        }
        future.addCallback(new AsyncRpcCallback() {
            @Override
            public void success(Object result) {
                end(session, future, intendedStartNanos, result, null);
            }

            @Override
            public void fail(Exception e) {
                end(session, future, intendedStartNanos, null, e);
            }
        });
    }

    private void end(Session session, RpcFuture future, long intendedStartNanos, Object value, Throwable error) {
        long endNanos = future.endNanos() != 0 ? future.endNanos() : System.nanoTime();
        long latencyNanos = Math.max(0, endNanos - Math.min(intendedStartNanos, future.startNanos()));
        Outcome outcome = Outcome.of(error);
        String provider = future.providerAddress() != null ? future.providerAddress() : providerOf(value);
        target.recorder().record(spec.method(), provider, outcome, latencyNanos);

        RpcResult result = new RpcResult(outcome, value, error, provider, latencyNanos);
        String failure = RpcVerdict.judge(spec.checks(), result);
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
