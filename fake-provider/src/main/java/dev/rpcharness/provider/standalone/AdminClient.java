package dev.rpcharness.provider.standalone;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Drives a provider process's admin endpoint ({@link AdminServer}) over HTTP: chaos actions, fault plans, stats.
 * Sends the JSON content type every POST needs and, when given, the token.
 *
 * <p>Thread-safe; each call blocks for one request, at most 30 s.
 */
final class AdminClient {

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final URI admin;
    private final String token;
    private final String provider;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /**
     * @param admin    the endpoint, for example {@code http://127.0.0.1:40000/admin}
     * @param token    the admin token, or null
     * @param provider the provider's address, for messages
     */
    AdminClient(URI admin, String token, String provider) {
        this.admin = admin;
        this.token = token;
        this.provider = provider;
    }

    /** POSTs {@code json} to {@code admin/<action>} and returns the answer's body. */
    String post(String action, String json) {
        return send(HttpRequest.newBuilder(URI.create(admin + "/" + action))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    /** GETs {@code admin/<what>} and returns the answer's body. */
    String get(String what) {
        return send(HttpRequest.newBuilder(URI.create(admin + "/" + what)).GET());
    }

    /**
     * @throws IllegalStateException when the endpoint is unreachable or answers with an error status, naming the
     *                               provider, the request and the status
     */
    private String send(HttpRequest.Builder request) {
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<String> r = http.send(request.timeout(REQUEST_TIMEOUT).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 != 2) {
                throw new IllegalStateException("provider process " + provider + " answered " + r.statusCode()
                        + " to " + r.request().uri() + ": " + r.body().trim());
            }
            return r.body();
        } catch (IOException e) {
            throw new IllegalStateException("admin endpoint " + admin + " of " + provider + " unreachable: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted talking to " + admin, e);
        }
    }
}
