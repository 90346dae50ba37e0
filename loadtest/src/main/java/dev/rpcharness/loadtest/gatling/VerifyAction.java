package dev.rpcharness.loadtest.gatling;

import io.gatling.commons.stats.KO$;
import io.gatling.commons.stats.OK$;
import io.gatling.commons.util.Clock;
import io.gatling.core.action.Action;
import io.gatling.commons.stats.Status;
import io.gatling.core.session.GroupBlock;
import io.gatling.core.session.Session;
import io.gatling.core.stats.StatsEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Gatling action of {@link VerifyActionBuilder}: evaluates its check on the user's event loop (checks read
 * counters and must not block) and logs it to Gatling as a group of its own named after the check, OK or KO, never
 * as a request: Gatling's request statistics and {@code global()} assertions count only calls, while
 * {@code details(name)} assertions find the group. The check's message goes to the log. In a run of several
 * injectors only the one holding the fleet evaluates the check; the others wait for its verdict on their chaos
 * thread ({@link RpcTarget#check}) and record the same.
 */
final class VerifyAction extends JavaAction {

    private static final Logger log = LoggerFactory.getLogger(VerifyAction.class);

    private final String checkName;
    private final Function<RpcTarget, String> check;
    private final RpcTarget target;
    private final Clock clock;

    VerifyAction(String checkName, Function<RpcTarget, String> check, RpcTarget target, Action next,
            StatsEngine stats, Clock clock) {
        super("verify-" + checkName, next, stats);
        this.checkName = checkName;
        this.check = check;
        this.target = target;
        this.clock = clock;
    }

    @Override
    void run(Session session) {
        if (target.injectors() == 1) {
            long start = clock.nowMillis();
            record(session, start, evaluate());
            return;
        }
        // Spread over several injectors: the verdict comes from the injector holding the fleet, so wait for it
        // off the event loop, on the chaos thread.
        try {
            target.chaosExecutor().execute(() -> {
                long start = clock.nowMillis();
                String failure;
                try {
                    failure = target.check(checkName, this::evaluate);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    failure = "interrupted: the load target is closing";
                } catch (RuntimeException e) {
                    failure = "no verdict: " + e.getMessage();
                }
                record(session, start, failure);
            });
        } catch (RejectedExecutionException e) {
            record(session, clock.nowMillis(), "skipped: the load target is closing");
        }
    }

    private String evaluate() {
        try {
            return check.apply(target);
        } catch (RuntimeException e) {
            return "check threw " + e;
        }
    }

    private void record(Session session, long start, String failure) {
        long end = clock.nowMillis();
        Status status = failure == null ? OK$.MODULE$ : KO$.MODULE$;
        List<String> path = new ArrayList<>(CollectionConverters.asJava(session.groups()));
        path.add(checkName);
        GroupBlock block = GroupBlock.apply(CollectionConverters.asScala(path).toList(), start,
                (int) Math.min(Integer.MAX_VALUE, end - start), status);
        statsEngine().logGroupEnd(session.scenario(), block, end);
        if (failure == null) {
            log.info("verified: {} : true", checkName);
            proceed(session);
        } else {
            log.warn("verified: {} : false ({})", checkName, failure);
            proceed(session.markAsFailed());
        }
    }
}
