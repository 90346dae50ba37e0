/**
 * The call-history checker: {@link dev.rpcharness.check.HistoryChecker} reads a consumer's call history
 * (consumer.history) against the cluster's timeline and the providers' executed-call logs and classifies each call
 * as ok, fail or info (indeterminate), reporting every broken rule of docs/history.md with the call it names;
 * {@link dev.rpcharness.cluster.ClusterHistory} gives each client of a cluster a history file and checks them all.
 */
package dev.rpcharness.check;
