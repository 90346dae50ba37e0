package dev.rpcharness.reports.run;

/**
 * One Gatling assertion of a scenario and whether it held. Immutable.
 *
 * @param text   what Gatling printed, e.g. {@code echo: percentage of failed events is less than 1.0}
 * @param passed true when it held
 */
public record Assertion(String text, boolean passed) {
}
