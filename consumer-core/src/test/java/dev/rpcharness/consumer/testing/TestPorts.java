package dev.rpcharness.consumer.testing;

import java.io.IOException;
import java.net.ServerSocket;

/** Loopback ports for tests. Stateless. */
public final class TestPorts {

    private TestPorts() {
    }

    /** A port that was free a moment ago: nothing listens there, so a connection to it is refused. */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
