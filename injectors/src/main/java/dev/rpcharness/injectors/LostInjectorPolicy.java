package dev.rpcharness.injectors;

/** What a run does when one of its injectors dies (its ZooKeeper session ends) before it finished. */
public enum LostInjectorPolicy {
    /** The run fails: {@link InjectorRun#finish()} throws {@link InjectorLostException} naming the lost ones. */
    FAIL,
    /** The run ends partial: {@link InjectorRun#finish()} returns a {@link RunOutcome} naming the lost ones. */
    PARTIAL
}
