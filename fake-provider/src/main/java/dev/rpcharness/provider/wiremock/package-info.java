/**
 * A WireMock server as an RPC provider: {@link dev.rpcharness.provider.wiremock.WireMockProvider} registers it in
 * ZooKeeper like any provider, and {@link dev.rpcharness.provider.wiremock.RpcWireMock} stubs and verifies RPC
 * calls with WireMock's own DSL, delays and faults.
 */
package dev.rpcharness.provider.wiremock;
