/**
 * Call history: {@link dev.rpcharness.consumer.history.HistoryRecorder} writes every call's start, write and end
 * (a {@link dev.rpcharness.consumer.CallHistory}), with each attempt's start and end, each method's policy and the
 * client's retry budget for calls with policies, to a JSON-lines file on its own thread;
 * {@link dev.rpcharness.run.HistoryFile} reads such a file back as one
 * {@link dev.rpcharness.run.CallRecord} per call, for the checker and the reports.
 */
package dev.rpcharness.consumer.history;
