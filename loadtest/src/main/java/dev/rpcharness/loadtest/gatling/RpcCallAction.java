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
import java.util.concurrent.atomic.AtomicLong;
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
 *
 * <p>Per call, it allocates the call's callback and what Gatling's stats engine asks for; the argument snapshot,
 * the Java view of the session and the {@link RpcResult} only when a check or a failure needs them, the session's
 * view also when the arguments are computed from it. The benchmark's profile ({@code -Drpc.bench.jfr=true}) shows
 * its share of the injector's CPU.
 */
final class RpcCallAction extends JavaAction {

    private static final Object[] NO_ARGS = new Object[0];
    /** Gatling's status code of each outcome, by ordinal, made once. */
    private static final List<Option<String>> STATUS_CODES =
            Arrays.stream(Outcome.values()).map(o -> Option.apply(o.label())).toList();

    private final RpcCallBuilder spec;
    private final RpcTarget target;
    private final Clock clock;
    private final boolean checked;
    /** This action's arrivals so far, counted only in a run of several injectors. */
    private final AtomicLong arrivals = new AtomicLong();

    RpcCallAction(RpcCallBuilder spec, RpcTarget target, Action next, StatsEngine statsEngine, Clock clock) {
        super("rpc-" + spec.requestName(), next, statsEngine);
        this.spec = spec;
        this.target = target;
        this.clock = clock;
        this.checked = !spec.checks().isEmpty();
    }

    /**
     * Notes the hand-over time as the call's intended start, then runs the call on the user's event loop; in a run
     * of several injectors, a call of another injector's share is not made here: the user goes on at once.
     */
    @Override
    public void $bang(Session session) {
        long intendedStart = System.nanoTime();
        if (target.injectors() > 1 && !target.sendsArrival(arrivals.getAndIncrement())) {
            proceed(session);
            return;
        }
        EventLoop loop = session.eventLoop();
        if (loop.inEventLoop()) {
            startGuarded(session, intendedStart);
        } else if (!loop.isShutdown()) {
            loop.execute(() -> startGuarded(session, intendedStart));
        }
    }

    @Override
    void run(Session session) {
        start(session, System.nanoTime());
    }

    private void startGuarded(Session session, long intendedStartNanos) {
        try {
            start(session, intendedStartNanos);
        } catch (RuntimeException e) {
            crashed(session, e);
        }
    }

    private void start(Session session, long intendedStartNanos) {
        Object[] args = spec.constantArgs();
        io.gatling.javaapi.core.Session javaSession = null;
        RpcFuture future;
        try {
            if (args == null) {
                javaSession = new io.gatling.javaapi.core.Session(session);
                Object[] computed = spec.args().apply(javaSession);
                args = computed == null ? NO_ARGS : computed;
            }
            AsyncObjectProxy proxy = target.proxy(spec.service());
            future = proxy.call(spec.method(), args);
        } catch (RuntimeException e) {
            String message = "cannot start " + spec.service().getSimpleName() + "#" + spec.method() + ": " + e;
            logger().underlying().error("{} ({})", message, spec.requestName());
            statsEngine().logRequestCrash(session.scenario(), session.groups(), spec.requestName(), message);
            proceed(session.markAsFailed());
            return;
        }
        List<Object> argList = checked ? Arrays.asList(args.clone()) : List.of();
        future.addCallback(new Call(session, javaSession, argList, future, intendedStartNanos));
    }

    /**
     * Judges the call (its outcome on the wire, then the checks), then records it under one outcome everywhere:
     * a call that returned but failed a check is {@link Outcome#CHECK_FAILED} in the latency log, the summary and
     * Gatling's status, and KO in Gatling.
     */
    private void end(Call call, Object value, Throwable error) {
        RpcFuture future = call.future;
        long endNanos = future.endNanos() != 0 ? future.endNanos() : System.nanoTime();
        long latencyNanos = Math.max(0, endNanos - Math.min(call.intendedStartNanos, future.startNanos()));
        Outcome wire = Outcome.of(error);
        String provider = future.providerAddress() != null ? future.providerAddress() : providerOf(value);
        String failure = null;
        if (checked || wire != Outcome.OK) {
            RpcResult result = new RpcResult(wire, value, error, provider, latencyNanos, call.args,
                    call.javaSession());
            failure = RpcVerdict.judge(spec.checks(), result);
        }
        Outcome outcome = RpcVerdict.recordedOutcome(wire, failure);
        target.recorder().record(spec.method(), provider, outcome, latencyNanos);

        Session session = call.session;
        long endMillis = clock.nowMillis();
        long startMillis = endMillis - Math.round(latencyNanos / 1_000_000.0);
        Status status = failure == null ? OK$.MODULE$ : KO$.MODULE$;
        statsEngine().logResponse(session.scenario(), session.groups(), spec.requestName(), startMillis, endMillis,
                status, STATUS_CODES.get(outcome.ordinal()), Option.apply(failure));

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

    /** One call in flight: what its end needs, and the consumer's callback for it. */
    private final class Call implements AsyncRpcCallback {

        private final Session session;
        private final io.gatling.javaapi.core.Session javaSession;
        private final List<Object> args;
        private final RpcFuture future;
        private final long intendedStartNanos;

        Call(Session session, io.gatling.javaapi.core.Session javaSession, List<Object> args, RpcFuture future,
                long intendedStartNanos) {
            this.session = session;
            this.javaSession = javaSession;
            this.args = args;
            this.future = future;
            this.intendedStartNanos = intendedStartNanos;
        }

        /** The session as checks see it: the one the arguments were computed from, else a view made now. */
        io.gatling.javaapi.core.Session javaSession() {
            return javaSession != null ? javaSession : new io.gatling.javaapi.core.Session(session);
        }

        @Override
        public void success(Object result) {
            end(this, result, null);
        }

        @Override
        public void fail(Exception e) {
            end(this, null, e);
        }
    }
}
