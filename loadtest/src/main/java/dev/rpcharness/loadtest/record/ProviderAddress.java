package dev.rpcharness.loadtest.record;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the provider a call went to, where the consumer core tells it. Failures name the provider in their message
 * ({@code "EchoService#echo on 127.0.0.1:20881 timed out ..."}); successful calls carry no address, so they are
 * recorded per method only unless the caller supplies the address from the result.
 */
public final class ProviderAddress {

    private static final Pattern ON_ADDRESS = Pattern.compile(" on ([A-Za-z0-9._\\-\\[\\]:]+:\\d{1,5})\\b");

    private ProviderAddress() {
    }

    /** The {@code host:port} named in {@code error}'s message, or null when it names none. */
    public static String of(Throwable error) {
        if (error == null || error.getMessage() == null) {
            return null;
        }
        Matcher m = ON_ADDRESS.matcher(error.getMessage());
        return m.find() ? m.group(1) : null;
    }
}
