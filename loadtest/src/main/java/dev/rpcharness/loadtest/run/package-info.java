/**
 * The system a load run drives and the files it leaves: {@link dev.rpcharness.loadtest.run.LoadTarget} starts an
 * embedded cluster (or connects to an external fleet) in a simulation's {@code before()}, and in {@code after()}
 * writes the latency log, the timeline and a summary next to Gatling's report.
 */
package dev.rpcharness.loadtest.run;
