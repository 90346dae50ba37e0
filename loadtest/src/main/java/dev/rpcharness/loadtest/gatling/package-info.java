/**
 * Gatling protocol and Java DSL for RPC load through the consumer core: {@link
 * dev.rpcharness.loadtest.gatling.RpcDsl#rpc rpc(name).call(...)} (an asynchronous call whose end is logged to
 * Gatling's stats engine and to the latency recorder, the user going on from the callback thread with
 * {@code next ! session}), {@link dev.rpcharness.loadtest.gatling.RpcDsl#chaos chaos(name).crash(i)} and the other
 * chaos steps (run through the cluster, so they land on its timeline under the names of docs/timeline.md), and
 * {@link dev.rpcharness.loadtest.gatling.RpcDsl#verify verify(name, check)} for run-level expectations (among them
 * {@link dev.rpcharness.loadtest.gatling.RpcDsl#latency latency(method, outcome)} assertions on the recorder's
 * per-outcome histograms), logged as Gatling groups that {@code global()} does not count and that
 * {@link dev.rpcharness.loadtest.gatling.RpcDsl#passes passes(step)} turns into a Gatling assertion. A call that
 * returned but failed a check is {@code check-failed} in Gatling, the latency log and the summary alike. The
 * actions are Java classes implementing Gatling's Scala {@code Action}.
 */
package dev.rpcharness.loadtest.gatling;
