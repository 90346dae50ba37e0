/**
 * Several injectors as one run, coordinated through ZooKeeper with Curator's recipes only (docs/injectors.md):
 * {@link dev.rpcharness.injectors.Coordinator} publishes the {@link dev.rpcharness.injectors.RunSpec} once;
 * each injector joins with an {@link dev.rpcharness.injectors.InjectorRun} (an ephemeral node, a double barrier for
 * start and end, the names of lost injectors); {@link dev.rpcharness.injectors.LoadSplit} gives each its exact share
 * of the load; one {@link dev.rpcharness.injectors.ChaosConductor}, elected by a leader latch, runs the chaos steps,
 * each claimed in ZooKeeper before it runs; {@link dev.rpcharness.injectors.ClockOffset} measures each injector's
 * clock against the conductor's; when the spec opts in, {@link dev.rpcharness.injectors.RunAbort} lets one
 * injector's SLO breach abort every injector of the run.
 *
 * <p>Every class takes the Curator client it uses and never closes it: the injector owns its client, and closing
 * that client is what the death of an injector looks like to the others.
 */
package dev.rpcharness.injectors;
