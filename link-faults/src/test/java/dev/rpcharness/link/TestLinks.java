package dev.rpcharness.link;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.util.Random;

/** Small helpers shared by the link tests. */
final class TestLinks {

    private TestLinks() {
    }

    static Link linkTo(LoopbackServer server) {
        return Link.builder().name("test").upstream("127.0.0.1", server.port()).seed(7).build().start();
    }

    static Socket connect(int port) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
        s.setTcpNoDelay(true);
        s.setSoTimeout(20_000);
        return s;
    }

    static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Reads until end of stream (or the socket's timeout); returns what came. */
    static byte[] readToEnd(InputStream in) throws IOException {
        return in.readAllBytes();
    }

    /** One byte out, one byte back; returns the round trip in nanoseconds. */
    static long roundTrip(Socket s) throws IOException {
        long t0 = System.nanoTime();
        s.getOutputStream().write(1);
        s.getOutputStream().flush();
        if (s.getInputStream().read() < 0) {
            throw new IOException("closed during round trip");
        }
        return System.nanoTime() - t0;
    }
}
