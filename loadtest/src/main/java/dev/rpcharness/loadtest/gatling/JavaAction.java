package dev.rpcharness.loadtest.gatling;

import com.typesafe.scalalogging.Logger;
import com.typesafe.scalalogging.Logger$;
import io.gatling.core.action.Action;
import io.gatling.core.session.Session;
import io.gatling.core.stats.StatsEngine;
import org.slf4j.LoggerFactory;

/**
 * The plumbing a Java class needs to be a Gatling {@link Action} (a Scala trait): the Scala logger field that
 * {@code StrictLogging} expects, the action's name, the next action and the stats engine. Subclasses implement
 * {@link #execute(Session)}, which Gatling runs on the virtual user's event loop; an exception thrown there is
 * logged and the user goes on to the next action, marked as failed.
 */
abstract class JavaAction implements Action {

    private final String name;
    private final Action next;
    private final StatsEngine statsEngine;
    private Logger logger;

    JavaAction(String name, Action next, StatsEngine statsEngine) {
        this.name = name;
        this.next = next;
        this.statsEngine = statsEngine;
        this.logger = Logger$.MODULE$.apply(LoggerFactory.getLogger(getClass()));
    }

    @Override
    public final String name() {
        return name;
    }

    /** The action the virtual user goes on to. */
    final Action next() {
        return next;
    }

    final StatsEngine statsEngine() {
        return statsEngine;
    }

    /**
     * Hands the session to the next action. {@code !} runs it at once when called on the user's event loop and
     * schedules it there otherwise, so a callback thread never runs Gatling's code itself.
     */
    final void proceed(Session session) {
        next.$bang(session);
    }

    @Override
    public final Logger logger() {
        return logger;
    }

    @Override
    public final void com$typesafe$scalalogging$StrictLogging$_setter_$logger_$eq(Logger value) {
        this.logger = value;
    }

    @Override
    public final void execute(Session session) {
        guarded(session, () -> run(session));
    }

    /** Runs {@code work} for {@code session}; if it throws, logs it and sends the user on, marked as failed. */
    final void guarded(Session session, Runnable work) {
        try {
            work.run();
        } catch (RuntimeException e) {
            crashed(session, e);
        }
    }

    /** Logs that the action's work for {@code session} threw {@code e}, and sends the user on, marked as failed. */
    final void crashed(Session session, RuntimeException e) {
        org.slf4j.Logger log = logger.underlying();
        log.error("'{}' crashed on user {} of {}, going on to the next action", name, session.userId(),
                session.scenario(), e);
        proceed(session.markAsFailed());
    }

    /** The action's work, on the virtual user's event loop. It must not block. */
    abstract void run(Session session);
}
