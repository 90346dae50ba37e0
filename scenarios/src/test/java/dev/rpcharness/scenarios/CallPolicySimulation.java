package dev.rpcharness.scenarios;

import static dev.rpcharness.loadtest.gatling.RpcDsl.chaos;
import static dev.rpcharness.loadtest.gatling.RpcDsl.verify;
import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import dev.rpcharness.consumer.ConsumerOptions;
import dev.rpcharness.consumer.policy.CallPolicy;
import dev.rpcharness.consumer.policy.RetryBudget;
import dev.rpcharness.consumer.policy.RetryOn;
import dev.rpcharness.loadtest.gatling.RpcDsl;
import dev.rpcharness.loadtest.gatling.VerifyActionBuilder;
import dev.rpcharness.loadtest.record.AttemptSample;
import dev.rpcharness.loadtest.run.LoadTarget;
import dev.rpcharness.provider.demo.EchoService;
import dev.rpcharness.provider.fault.Fault;
import dev.rpcharness.provider.fault.FaultPlan;
import dev.rpcharness.provider.fault.FaultRule;
import io.gatling.javaapi.core.Assertion;
import io.gatling.javaapi.core.PopulationBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the call-policy scenarios share (docs/call-policies.md, "Scenarios"): a client whose outlier ejection is off,
 * so what the scenario shows is the call policy's doing alone; the retry storm's set-up (four providers, the echo
 * retried up to 3 times on {@code UNAVAILABLE}, providers 2 and 3 answering 503 for 10 s in the middle of the run);
 * and the figures read from the run's attempt log ({@code rpc-attempts.csv}): attempts per call over a window
 * and the peak load of given providers in calls per second.
 *
 * <p>Life cycle: as every {@link ResilienceSimulation}. Threading: the wall-clock marks are written by the chaos
 * scenario's steps and read by its later verify steps, through atomics.
 */
public abstract class CallPolicySimulation extends ResilienceSimulation {

    private static final Logger log = LoggerFactory.getLogger(CallPolicySimulation.class);

    /** Providers of the retry storm: half of them answer 503 during it. */
    protected static final int STORM_PROVIDERS = 4;
    /** Each provider's capacity, in multiples of its fair share of the offered rate (50% headroom). */
    protected static final double CAPACITY_SHARE = 1.5;
    /** The retried echo: idempotent, up to 3 attempts, on a non-2xx answer (or a lost connection). */
    protected static final CallPolicy RETRIED_ECHO = CallPolicy.builder().idempotent(true).maxAttempts(3)
            .retryOn(RetryOn.UNAVAILABLE, RetryOn.CONNECTION_LOST)
            .backoff(Duration.ofMillis(10), Duration.ofMillis(100)).build();

    /** Epoch ms when the storm's faults were in place on every failing provider, and when they were lifted. */
    protected final AtomicLong stormStart = new AtomicLong();
    protected final AtomicLong stormEnd = new AtomicLong();

    protected CallPolicySimulation(int defaultSeconds, double defaultRate, UnaryOperator<LoadTarget.Builder> cluster) {
        super(defaultSeconds, defaultRate, cluster);
    }

    /** The scenarios' client options: the call timeout of every scenario, outlier ejection off. */
    protected static ConsumerOptions.Builder policyOptions() {
        return ConsumerOptions.builder().callTimeout(CALL_TIMEOUT).providerWaitTimeout(Duration.ofSeconds(2))
                .outlierConsecutiveFailures(0).outlierFailureRatio(0);
    }

    /** The retry storm's cluster: {@link #STORM_PROVIDERS} echo providers, the echo retried, the given budget. */
    protected static UnaryOperator<LoadTarget.Builder> stormCluster(RetryBudget budget) {
        return b -> b.providers(STORM_PROVIDERS).clientOptions(policyOptions()
                .methodPolicy(EchoService.class, "echo", RETRIED_ECHO).retryBudget(budget).build());
    }

    /** The storm's length: 10 s, or a third of a run shorter than 30 s. */
    protected Duration stormLength() {
        Duration third = at(1.0 / 3);
        return third.compareTo(Duration.ofSeconds(10)) < 0 ? third : Duration.ofSeconds(10);
    }

    /**
     * The chaos of the retry storm: after a third of the run, providers 2 and 3 answer every call with 503 for
     * {@link #stormLength()}, then serve again; after the load, {@code checks} run in order.
     */
    protected PopulationBuilder storm(VerifyActionBuilder... checks) {
        FaultPlan unavailable = FaultPlan.builder().seed(17)
                .rule(FaultRule.forAll(Fault.httpStatus(503)).always()).build();
        var chain = scenario("chaos: 503 storm on p2 and p3")
                .pause(at(1.0 / 3))
                .exec(chaos("p2 answers 503").faultPlan(2, unavailable))
                .exec(chaos("p3 answers 503").faultPlan(3, unavailable))
                .exec(mark("storm begins", stormStart))
                .pause(stormLength())
                .exec(mark("storm ends", stormEnd))
                .exec(chaos("p2 serves again").faultPlan(2, FaultPlan.none()))
                .exec(chaos("p3 serves again").faultPlan(3, FaultPlan.none()))
                .pause(duration.minus(at(1.0 / 3)).minus(stormLength()).plus(CALL_TIMEOUT).plusSeconds(2));
        for (VerifyActionBuilder check : checks) {
            chain = chain.exec(check);
        }
        return chain.injectOpen(atOnceUsers(1));
    }

    /** The storm's common set-up: the echo load, the storm with {@code checks}, and the assertions on them. */
    protected void setUpStorm(VerifyActionBuilder... checks) {
        Assertion[] assertions = new Assertion[checks.length];
        for (int i = 0; i < checks.length; i++) {
            assertions[i] = details(checks[i].name()).failedRequests().count().is(0L);
        }
        setUp(echoLoad(), storm(checks)).protocols(RpcDsl.rpcProtocol(target)).assertions(assertions);
    }

    /** A step that records the wall clock into {@code mark} (it never fails). */
    protected static VerifyActionBuilder mark(String name, AtomicLong mark) {
        return verify(name, t -> {
            mark.set(System.currentTimeMillis());
            return null;
        });
    }

    /**
     * Attempts per call over the storm, from one second after it began (the first second is partly before it)
     * to one second after it ended (the retries of its last calls).
     */
    protected double stormAmplification() {
        return AttemptSample.amplification(target.attempts().samples(), stormStart.get() + 1_000,
                stormEnd.get() + 1_000);
    }

    /** The most calls per second any of providers {@code indexes} received during the storm. */
    protected long stormPeakLoad(int... indexes) {
        long peak = 0;
        List<AttemptSample> samples = target.attempts().samples();
        for (int index : indexes) {
            String address = target.cluster().provider(index).address();
            for (AttemptSample s : samples) {
                if (s.endMillis() >= stormStart.get() + 1_000 && s.endMillis() <= stormEnd.get() + 1_000) {
                    peak = Math.max(peak, s.received().getOrDefault(address, 0L));
                }
            }
        }
        return peak;
    }

    /** One provider's capacity in calls per second: {@link #CAPACITY_SHARE} times its share of the rate. */
    protected double providerCapacity(int providers) {
        return CAPACITY_SHARE * rate / providers;
    }

    /** Logs a scenario's measured figures on one line, for the docs and the closing note. */
    protected void figures(String format, Object... args) {
        log.info("{} figures: {}", getClass().getSimpleName(), String.format(Locale.ROOT, format, args));
    }
}
