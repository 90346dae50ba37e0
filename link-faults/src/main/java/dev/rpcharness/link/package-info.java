/**
 * Faults on the wire: {@link dev.rpcharness.link.Link}, an in-process TCP proxy in front of one upstream address,
 * shaped by {@link dev.rpcharness.link.Toxic}s with Toxiproxy's names and meaning, and
 * {@link dev.rpcharness.link.Links}, a named set of links on shared event loops.
 *
 * <p>Threading: the public types are safe from any thread; the traffic of each proxied connection (both its
 * channels, both its directions) runs on one Netty event loop, and toxic changes are handed to it. Lifecycle: every
 * link and set of links is {@code AutoCloseable} and closed by its owner. docs/link-faults.md describes each toxic,
 * toxicity and which connections a toxic reaches.
 */
package dev.rpcharness.link;
