package dev.rpcharness.injectors;

/**
 * The run was aborted (see {@link RunAbort}): thrown by {@link InjectorRun#finish()} in every injector of the run
 * once it is past the end barrier (or the barrier's bound), so the whole run fails with the first abort's injector
 * and reason. A barrier that also did not fill, or injectors also lost, are attached as suppressed exceptions.
 */
public final class RunAbortedException extends InjectorRunException {

    private static final long serialVersionUID = 1L;

    private final transient Abort abort;

    RunAbortedException(String runId, String injectorId, Abort abort) {
        super("run " + runId + " aborted by " + abort.injector() + " at " + abort.at() + ": " + abort.reason()
                + " (seen by " + injectorId + ")");
        this.abort = abort;
    }

    /** Who aborted the run, why and when. */
    public Abort abort() {
        return abort;
    }
}
