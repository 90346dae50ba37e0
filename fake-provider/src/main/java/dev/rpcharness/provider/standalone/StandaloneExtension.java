package dev.rpcharness.provider.standalone;

import dev.rpcharness.provider.FakeProvider;
import dev.rpcharness.provider.registration.ProviderEndpoint;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What a launcher outside this module adds to the stand-alone provider: it may change the endpoint before the
 * provider is built (where it registers, what it advertises), learns the provider once it has started, and adds
 * admin steps ({@code POST /admin/STEP}), which get the admin's security rules and error answers. Module link-faults
 * uses it to put links around the provider without this module depending on it.
 *
 * <p>Lifecycle: {@link #prepare} once, then {@link #started} once, then admin steps any number of times on the
 * admin's one thread, then {@link #close()} once after the provider is closed. A step throws
 * {@link IllegalStateException} (answered 409) or {@link IllegalArgumentException} (answered 400) to refuse.
 */
public interface StandaloneExtension extends AutoCloseable {

    /** The admin steps of the stand-alone provider's links; {@link #none()} refuses each naming {@code --links}. */
    List<String> LINK_STEPS = List.of("cut-zookeeper", "cut-clients", "cut-client-requests", "cut-client-answers",
            "heal");

    /** The endpoint the provider is built with; by default {@code endpoint} unchanged. */
    default ProviderEndpoint prepare(ProviderEndpoint endpoint) {
        return endpoint;
    }

    /** Called once the provider listens (its real address is {@link FakeProvider#address()}). */
    default void started(FakeProvider provider) {
    }

    /** Extra admin steps by action name; each returns a short text for the answer. */
    Map<String, Supplier<String>> adminSteps();

    @Override
    default void close() {
    }

    /** No links: each of {@link #LINK_STEPS} is refused (409) naming the option {@code --links}. */
    static StandaloneExtension none() {
        Map<String, Supplier<String>> steps = new LinkedHashMap<>();
        for (String step : LINK_STEPS) {
            steps.put(step, () -> {
                throw new IllegalStateException("admin step " + step + " needs links: start the stand-alone provider"
                        + " with --links (LinkedProviderMain of module link-faults)");
            });
        }
        Map<String, Supplier<String>> fixed = Map.copyOf(steps);
        return () -> fixed;
    }
}
