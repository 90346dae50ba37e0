package dev.rpcharness.provider.standalone;

import dev.rpcharness.provider.registration.ProviderEndpoint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The command-line form of a {@link ProviderEndpoint}, both ways: {@link ExternalProviderProcess} writes it and
 * {@link ProviderMain} reads it, so a process is started with exactly the endpoint its builder described.
 *
 * <pre>
 * --host H  --port N  --zk CONNECT  --base-path P  --name N  --session-timeout-ms MS  --registry-connect-timeout-ms MS
 * </pre>
 *
 * <p>Stateless.
 */
final class EndpointOptions {

    private EndpointOptions() {
    }

    /** The options that give {@code endpoint} (a registry and a name only when it has them). */
    static List<String> arguments(ProviderEndpoint endpoint) {
        List<String> args = new ArrayList<>(List.of("--host", endpoint.host(),
                "--port", Integer.toString(endpoint.port()),
                "--base-path", endpoint.basePath(),
                "--session-timeout-ms", Long.toString(endpoint.sessionTimeout().toMillis()),
                "--registry-connect-timeout-ms", Long.toString(endpoint.registryConnectTimeout().toMillis())));
        if (endpoint.registers()) {
            args.addAll(List.of("--zk", endpoint.registry()));
        }
        if (endpoint.name() != null) {
            args.addAll(List.of("--name", endpoint.name()));
        }
        return args;
    }

    /**
     * Applies one option to {@code endpoint} when it is an endpoint option.
     *
     * @return whether it was one
     * @throws IllegalArgumentException naming the option when its value is not a number or out of range
     */
    static boolean apply(String option, String value, ProviderEndpoint.Builder endpoint) {
        try {
            switch (option) {
                case "--host" -> endpoint.host(value);
                case "--port" -> endpoint.port(Integer.parseInt(value));
                case "--zk" -> endpoint.registry(value);
                case "--base-path" -> endpoint.basePath(value);
                case "--name" -> endpoint.name(value);
                case "--session-timeout-ms" -> endpoint.sessionTimeout(Duration.ofMillis(Long.parseLong(value)));
                case "--registry-connect-timeout-ms" ->
                        endpoint.registryConnectTimeout(Duration.ofMillis(Long.parseLong(value)));
                default -> {
                    return false;
                }
            }
            return true;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + " " + value + ": " + e.getMessage(), e);
        }
    }
}
