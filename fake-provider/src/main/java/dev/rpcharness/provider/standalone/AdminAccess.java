package dev.rpcharness.provider.standalone;

import com.sun.net.httpserver.Headers;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Who may drive the admin endpoint, and the check of each request against it. The endpoint binds to loopback by
 * default; bound to any other address it needs a token ({@code Authorization: Bearer <token>}), and a token given
 * on loopback is required too. Every request must name an expected {@code Host} (loopback names, or the bound
 * address), so a page that rebinds its own DNS name to 127.0.0.1 is refused; a request carrying an {@code Origin}
 * other than the endpoint's own is refused (cross-site requests from a browser); {@code POST} and {@code DELETE}
 * must send {@code Content-Type: application/json}, which a browser cannot send cross-site without a CORS
 * preflight that this endpoint never grants.
 *
 * <p>Immutable and thread-safe.
 */
final class AdminAccess {

    /** Environment variable read when neither {@code --admin-token-file} nor {@code --admin-token} is given. */
    static final String TOKEN_ENV = "RPC_ADMIN_TOKEN";
    private static final Set<String> LOOPBACK_NAMES = Set.of("127.0.0.1", "localhost", "[::1]");

    private final String bindHost;
    private final String token;

    /**
     * @param bindHost the address to bind, {@code 127.0.0.1} by default
     * @param token    the token requests must carry, or null for none
     * @throws IllegalArgumentException when the address is not loopback and no token is given
     */
    AdminAccess(String bindHost, String token) {
        this.bindHost = Objects.requireNonNull(bindHost, "bindHost");
        this.token = token == null || token.isBlank() ? null : token;
        if (this.token == null && !isLoopback(bindHost)) {
            throw new IllegalArgumentException("the admin endpoint bound to " + bindHost + " would let anyone on the"
                    + " network crash this provider: give --admin-token-file (or " + TOKEN_ENV + ", or"
                    + " --admin-token), or bind it to 127.0.0.1 (--admin-host)");
        }
    }

    /** Loopback only, no token. */
    static AdminAccess loopback() {
        return new AdminAccess("127.0.0.1", null);
    }

    String bindHost() {
        return bindHost;
    }

    boolean hasToken() {
        return token != null;
    }

    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** Why a request is refused: an HTTP status and a reason. */
    record Refusal(int status, String reason) {
    }

    /**
     * Checks one request.
     *
     * @param port the endpoint's bound port
     * @return null when the request may proceed, otherwise why not
     */
    Refusal check(String method, Headers headers, int port) {
        String host = headers.getFirst("Host");
        if (host == null || !allowedHost(host.trim().toLowerCase(Locale.ROOT), port)) {
            return new Refusal(421, "Host " + host + " is not this admin endpoint (expected 127.0.0.1:" + port
                    + " or localhost:" + port + ")");
        }
        String origin = headers.getFirst("Origin");
        if (origin != null && !origin.trim().equalsIgnoreCase("http://" + host.trim())) {
            return new Refusal(403, "cross-origin request from " + origin + " refused");
        }
        if (token != null) {
            String auth = headers.getFirst("Authorization");
            String expected = "Bearer " + token;
            if (auth == null || !MessageDigest.isEqual(auth.trim().getBytes(StandardCharsets.UTF_8),
                    expected.getBytes(StandardCharsets.UTF_8))) {
                return new Refusal(401, "missing or wrong admin token (Authorization: Bearer ...)");
            }
        }
        if (method.equals("POST") || method.equals("DELETE")) {
            String type = headers.getFirst("Content-Type");
            String mediaType = type == null ? "" : type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
            if (!mediaType.equals("application/json")) {
                return new Refusal(415, method + " needs Content-Type: application/json, got "
                        + (type == null ? "none" : type));
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
        if (LOOPBACK_NAMES.contains(name)) {
            return true;
        }
        if (name.equals(bindHost.toLowerCase(Locale.ROOT)) && !isWildcard(bindHost)) {
            return true;
        }
        // Bound to every interface with a token: the token, not the name, tells a caller apart.
        return isWildcard(bindHost) && token != null;
    }

    private static boolean isWildcard(String host) {
        return host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]");
    }
}
