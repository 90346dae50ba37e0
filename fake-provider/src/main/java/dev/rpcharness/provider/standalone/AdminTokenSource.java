package dev.rpcharness.provider.standalone;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where the stand-alone provider's admin token comes from, in this order: {@code --admin-token T} (visible in the
 * process list, so for throw-away setups), {@code --admin-token-file PATH} (the file's content without surrounding
 * white space), or the environment variable {@value AdminAccess#TOKEN_ENV}. Giving both options is an error, as is
 * a file that cannot be read or holds nothing.
 *
 * <p>Stateless; {@link #resolve} reads the file on the calling thread.
 */
final class AdminTokenSource {

    private AdminTokenSource() {
    }

    /**
     * The token to require, or null for none.
     *
     * @param option the value of {@code --admin-token}, or null
     * @param file   the value of {@code --admin-token-file}, or null
     * @param env    the process's environment
     * @throws IllegalArgumentException naming the option or the file when both options are given or the file
     *                                  cannot be read or is empty
     */
    static String resolve(String option, String file, Map<String, String> env) {
        if (option != null && file != null) {
            throw new IllegalArgumentException("give --admin-token or --admin-token-file, not both");
        }
        if (option != null) {
            return option;
        }
        if (file != null) {
            return read(Path.of(file));
        }
        String fromEnv = env.get(AdminAccess.TOKEN_ENV);
        return fromEnv == null || fromEnv.isBlank() ? null : fromEnv.strip();
    }

    private static String read(Path file) {
        String token;
        try {
            token = Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("--admin-token-file " + file + " cannot be read: " + e, e);
        }
        if (token.isEmpty()) {
            throw new IllegalArgumentException("--admin-token-file " + file + " holds no token (it is empty)");
        }
        return token;
    }
}
