package dev.rpcharness.loadtest.gatling;

import io.gatling.commons.stats.KO$;
import io.gatling.commons.stats.OK$;
import io.gatling.commons.util.Clock;
import io.gatling.core.action.Action;
import io.gatling.core.session.Session;
import io.gatling.core.stats.StatsEngine;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Option;

/**
 * Gatling action of {@link VerifyActionBuilder}: evaluates its check on the user's event loop (checks read
 * counters and must not block) and logs it as a request, OK or KO with the check's message.
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
        long start = clock.nowMillis();
        String failure;
        try {
            failure = check.apply(target);
        } catch (RuntimeException e) {
            failure = "check threw " + e;
        }
        long end = clock.nowMillis();
        if (failure == null) {
            log.info("verified: {}", checkName);
            statsEngine().logResponse(session.scenario(), session.groups(), checkName, start, end, OK$.MODULE$,
                    Option.empty(), Option.empty());
            proceed(session);
        } else {
            log.warn("verification failed: {}: {}", checkName, failure);
            statsEngine().logResponse(session.scenario(), session.groups(), checkName, start, end, KO$.MODULE$,
                    Option.apply("verify"), Option.apply(failure));
            proceed(session.markAsFailed());
        }
    }
}
