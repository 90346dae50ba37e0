package dev.rpcharness.injectors;

/**
 * Who claimed a chaos step of a run, as ZooKeeper holds it in {@code chaos/<index>}.
 *
 * @param index the step's index in the run's list
 * @param step the step's name
 * @param injector the injector that claimed (and ran) it
 * @param state {@code claimed} while it runs (or when its conductor died running it), then {@code done} or
 *              {@code failed}
 */
public record StepClaim(int index, String step, String injector, String state) {

    /** The state of a step that ran to its end. */
    public static final String DONE = "done";
    /** The state of a step whose action threw. */
    public static final String FAILED = "failed";
    /** The state of a step claimed and not (yet) ended. */
    public static final String CLAIMED = "claimed";
}
