package dev.rpcharness.link.api;

import com.sun.net.httpserver.Headers;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;
import java.util.Set;

/**
 * Who may drive the link API, checked per request. It binds to loopback by default; bound to another address it
 * needs a token ({@code Authorization: Bearer <token>}). Every request must name an expected {@code Host} (a
 * loopback name or the bound address, so a page rebinding its DNS name to 127.0.0.1 is refused), and one carrying
 * an {@code Origin} other than the endpoint's own is refused (browsers send it on every cross-site request).
 * Unlike the provider's admin endpoint it does not demand {@code Content-Type: application/json}, because
 * Toxiproxy clients do not send it.
 *
 * <p>Immutable and thread-safe.
 */
final class ApiAccess {

    private static final Set<String> LOOPBACK_NAMES = Set.of("127.0.0.1", "localhost", "[::1]");

    private final String bindHost;
    private final String token;

    ApiAccess(String bindHost, String token) {
        this.bindHost = bindHost;
        this.token = token == null || token.isBlank() ? null : token;
        if (this.token == null && !isLoopback(bindHost)) {
            throw new IllegalArgumentException("the link API bound to " + bindHost + " would let anyone on the"
                    + " network cut links: give it a token, or bind it to 127.0.0.1");
        }
    }

    /** Null when the request may proceed, otherwise the refusal. */
    ApiError check(Headers headers, int port) {
        String host = headers.getFirst("Host");
        if (host == null || !allowedHost(host.trim().toLowerCase(Locale.ROOT), port)) {
            return new ApiError(421, "Host " + host + " is not this link API (expected 127.0.0.1:" + port
                    + " or localhost:" + port + ")");
        }
        String origin = headers.getFirst("Origin");
        if (origin != null && !origin.trim().equalsIgnoreCase("http://" + host.trim())) {
            return new ApiError(403, "cross-origin request from " + origin + " refused");
        }
        if (token != null) {
            String auth = headers.getFirst("Authorization");
            byte[] expected = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
            if (auth == null || !MessageDigest.isEqual(auth.trim().getBytes(StandardCharsets.UTF_8), expected)) {
                return new ApiError(401, "missing or wrong token (Authorization: Bearer ...)");
            }
        }
        return null;
    }

    private boolean allowedHost(String host, int port) {
        String suffix = ":" + port;
        if (!host.endsWith(suffix)) {
            return false;
        }
        String name = host.substring(0, host.length() - suffix.length());
        return LOOPBACK_NAMES.contains(name) || name.equals(bindHost.toLowerCase(Locale.ROOT))
                || (token != null && isWildcard(bindHost));
    }

    private static boolean isWildcard(String host) {
        return host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]");
    }

    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
