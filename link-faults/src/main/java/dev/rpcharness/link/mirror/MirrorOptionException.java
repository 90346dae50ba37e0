package dev.rpcharness.link.mirror;

/**
 * A mirror option with a bad value (or a missing one): names the option, as the builder spells it and as the
 * command line does, and the value.
 */
public final class MirrorOptionException extends IllegalArgumentException {

    private final String option;

    MirrorOptionException(String option, String message) {
        super(option + " (" + flag(option) + "): " + message);
        this.option = option;
    }

    /** The option's name as {@link MirrorOptions.Builder} spells it, for example {@code mirrorBasePath}. */
    public String option() {
        return option;
    }

    /** The command-line flag of an option: {@code mirrorBasePath} is {@code --mirror-base-path}. */
    static String flag(String option) {
        return "--" + option.replaceAll("([A-Z])", "-$1").toLowerCase(java.util.Locale.ROOT);
    }
}
