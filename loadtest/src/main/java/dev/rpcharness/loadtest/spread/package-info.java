/**
 * One scenario run by several injector JVMs as one run ({@code -Drpc.injectors=N}, docs/injectors.md): the JVM
 * started with the property hosts the fleet and launches the others; every injector sends its exact share of each
 * RPC action's arrivals; chaos steps are claimed by one elected conductor and run once on the fleet; the host
 * checks every injector's call history and gathers their run folders into its own.
 */
package dev.rpcharness.loadtest.spread;
