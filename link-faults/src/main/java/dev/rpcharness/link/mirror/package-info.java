/**
 * The mirror for real fleets: {@link dev.rpcharness.link.mirror.ProviderMirror} watches the providers' registry of
 * a real ZooKeeper, opens a link per provider and keeps a mirror registry under another base path (the same node
 * format, the links' addresses), so a consumer pointed at the mirror path calls the real providers through links
 * that the Toxiproxy-compatible API drives. {@link dev.rpcharness.link.mirror.MirrorMain} runs it stand-alone.
 *
 * <p>Threading: the mirror reacts to registry changes on its discovery's event thread, one change at a time; its
 * public methods are safe from any thread. Lifecycle: {@code start()} connects and mirrors, {@code close()} removes
 * the mirror nodes, closes the links and the API, and ends the ZooKeeper sessions. The real providers and their
 * nodes are only read, never written.
 */
package dev.rpcharness.link.mirror;
