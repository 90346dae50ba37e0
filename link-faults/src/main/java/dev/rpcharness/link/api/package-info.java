/**
 * {@link dev.rpcharness.link.api.ToxiproxyApiServer}: Toxiproxy 2.x's HTTP API over a
 * {@link dev.rpcharness.link.Links}, on loopback by default. Routes and JSON are in docs/link-faults.md.
 */
package dev.rpcharness.link.api;
