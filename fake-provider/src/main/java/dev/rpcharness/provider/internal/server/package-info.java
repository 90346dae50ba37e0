/**
 * The fake provider's server, behind {@link dev.rpcharness.provider.FakeProvider}:
 * {@link dev.rpcharness.provider.internal.server.ProviderServer} owns the I/O threads, the worker pool, the
 * listening socket and the open connections for one provider, from its start to its close;
 * {@link dev.rpcharness.provider.internal.server.ServerPipeline} defines each connection's Netty pipeline (the
 * request fast path, its hand-over to Netty's HTTP decoding, the connection handler); the call dispatcher decides
 * faults and runs implementations (on the worker pool unless the provider opted in to its I/O thread); the fault
 * writer puts the answers on the wire. I/O-thread work never waits for an implementation, and every wait of the
 * provider's life-cycle steps for these threads is bounded. Depends on the fault model and the protocol, never on
 * the API package. Internal: not part of the fake provider's public API, no compatibility promised.
 */
package dev.rpcharness.provider.internal.server;
