package dev.rpcharness.link.standalone;

import dev.rpcharness.provider.standalone.ProviderMain;
import dev.rpcharness.provider.standalone.StandaloneExtension;
import java.util.ArrayList;
import java.util.List;

/**
 * The stand-alone provider with opt-in links: {@link ProviderMain}'s options plus {@code --links}, which puts the
 * provider's ZooKeeper connection and its serving port behind links ({@link ProviderLinks}) and enables the admin's
 * link steps. Without {@code --links} it is {@link ProviderMain}, whose link steps answer 409 naming the option.
 *
 * <pre>
 * java -cp link-faults-all.jar dev.rpcharness.link.standalone.LinkedProviderMain --links --zk 127.0.0.1:2181 ...
 * </pre>
 */
public final class LinkedProviderMain {

    /** The option that turns the links on. */
    public static final String LINKS_OPTION = "--links";

    private LinkedProviderMain() {
    }

    public static void main(String[] args) {
        ProviderMain.run(providerArguments(args), extension(args));
    }

    /** {@code args} without {@link #LINKS_OPTION}. */
    public static String[] providerArguments(String[] args) {
        List<String> rest = new ArrayList<>(List.of(args));
        rest.removeIf(LINKS_OPTION::equals);
        return rest.toArray(String[]::new);
    }

    /** Links when {@code args} holds {@link #LINKS_OPTION} (seeded by {@code --seed} when given), else none. */
    public static StandaloneExtension extension(String[] args) {
        List<String> list = List.of(args);
        if (!list.contains(LINKS_OPTION)) {
            return StandaloneExtension.none();
        }
        int seed = list.indexOf("--seed");
        long value = 0;
        if (seed >= 0 && seed + 1 < list.size()) {
            try {
                value = Long.parseLong(list.get(seed + 1));
            } catch (NumberFormatException e) {
                value = 0; // ProviderMain refuses the bad --seed with its usage and exit status 2
            }
        }
        return new ProviderLinks(value);
    }
}
