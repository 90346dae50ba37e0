package dev.rpcharness.consumer.internal.transport;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Turns a provider's host name into an address. It may block (DNS), so connections call it on the transport's
 * resolver thread, never on an event loop. Package-private: the system resolver in the client; tests put in a slow
 * one through {@link Transport#nameResolver}.
 */
@FunctionalInterface
interface NameResolver {

    /** The JVM's resolver. */
    NameResolver SYSTEM = InetAddress::getByName;

    InetAddress resolve(String host) throws UnknownHostException;
}
