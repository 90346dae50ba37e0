package dev.rpcharness.scenarios;

import static dev.rpcharness.loadtest.gatling.RpcDsl.rpc;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import dev.rpcharness.consumer.ConsumerOptions;
import dev.rpcharness.loadtest.gatling.RpcCallBuilder;
import dev.rpcharness.loadtest.gatling.RpcChecks;
import dev.rpcharness.loadtest.gatling.RpcSimulation;
import dev.rpcharness.loadtest.gatling.RpcTarget;
import dev.rpcharness.loadtest.record.Outcome;
import dev.rpcharness.loadtest.run.LoadTarget;
import dev.rpcharness.provider.demo.EchoService;
import dev.rpcharness.provider.demo.EchoServiceImpl;
import io.gatling.javaapi.core.PopulationBuilder;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * What every scenario shares: an embedded cluster of echo providers (or an external fleet, see {@link LoadTarget})
 * started in {@code before()} and closed in {@code after()} ({@link RpcSimulation}), an open-model echo load, and the run-wide settings.
 *
 * <p>System properties: {@code rpc.duration} (seconds of load, the scenario's default otherwise),
 * {@code rpc.rate} (new virtual users, hence calls, per second), {@code rpc.tighten=true} (each scenario makes its
 * key assertion impossible to meet, to show that a broken expectation fails the build).
 */
public abstract class ResilienceSimulation extends RpcSimulation {

    /** The request name of the echo calls in Gatling's statistics. */
    protected static final String ECHO = "echo";
    /** The consumer's call timeout in every scenario, unless one sets its own. */
    protected static final Duration CALL_TIMEOUT = Duration.ofSeconds(1);

    protected final Duration duration;
    protected final double rate;
    protected final boolean tighten;
    protected final LoadTarget target;

    /**
     * @param defaultSeconds seconds of load unless {@code rpc.duration} says otherwise
     * @param defaultRate    calls per second unless {@code rpc.rate} says otherwise
     * @param cluster        adds the scenario's settings (providers, fault plans, options) to the target
     */
    protected ResilienceSimulation(int defaultSeconds, double defaultRate, UnaryOperator<LoadTarget.Builder> cluster) {
        this(Duration.ofSeconds(Long.getLong("rpc.duration", defaultSeconds)), defaultRate, cluster);
    }

    /**
     * A scenario whose length is its own ({@code rpc.duration} does not change it: a soak keeps its length when
     * the other scenarios are shortened).
     */
    protected ResilienceSimulation(Duration duration, double defaultRate, UnaryOperator<LoadTarget.Builder> cluster) {
        this.duration = duration;
        this.rate = Double.parseDouble(System.getProperty("rpc.rate", String.valueOf(defaultRate)));
        this.tighten = Boolean.getBoolean("rpc.tighten");
        LoadTarget.Builder b = LoadTarget.builder(getClass())
                .providers(3)
                .serve(EchoService.class, EchoServiceImpl::new)
                .warmUp(2_000, EchoService.class, "echo", "warm-up")
                .clientOptions(ConsumerOptions.builder().callTimeout(CALL_TIMEOUT)
                        .providerWaitTimeout(Duration.ofSeconds(2)).build());
        this.target = target(cluster.apply(b).build());
    }

    /** One echo call, checked for the right answer. */
    protected static RpcCallBuilder echo() {
        return rpc(ECHO).call(EchoService.class, "echo", "ping").check(RpcChecks.resultIs("ping"));
    }

    /** The open-model echo load: {@link #rate} new users per second for {@link #duration}, one call each. */
    protected PopulationBuilder echoLoad() {
        return scenario("echo load").exec(echo())
                .injectOpen(constantUsersPerSec(rate).during(duration));
    }

    /** {@code fraction} of the run's duration. */
    protected Duration at(double fraction) {
        return Duration.ofMillis(Math.round(duration.toMillis() * fraction));
    }

    /**
     * One injector's share of a run-wide count or rate, for Gatling's assertions: each injector's Gatling evaluates
     * them on its own share of the calls ({@code -Drpc.injectors=N} splits them exactly; 1 injector by default).
     */
    protected double perInjector(double runWide) {
        return runWide / target.injectors();
    }

    /** The threshold to use: {@code normal}, or the impossible {@code strict} one under {@code rpc.tighten}. */
    protected double threshold(double normal, double strict) {
        return tighten ? strict : normal;
    }

    /** Same as {@link #threshold(double, double)} for whole numbers. */
    protected int threshold(int normal, int strict) {
        return tighten ? strict : normal;
    }

    /** Null when the echo calls failed only with {@code allowed} outcomes, else what else was seen. */
    protected static String onlyFailures(RpcTarget t, Outcome... allowed) {
        Set<Outcome> ok = EnumSet.of(Outcome.OK, allowed);
        StringBuilder other = new StringBuilder();
        for (Outcome o : Outcome.values()) {
            long n = t.recorder().count("echo", o);
            if (n > 0 && !ok.contains(o)) {
                other.append(other.length() == 0 ? "" : ", ").append(n).append(' ').append(o.label());
            }
        }
        return other.length() == 0 ? null : "unexpected failures: " + other;
    }

    /** Live echo counts by outcome label, for log lines and messages. */
    protected static Map<String, Long> counts(RpcTarget t) {
        return t.recorder().counts();
    }
}
