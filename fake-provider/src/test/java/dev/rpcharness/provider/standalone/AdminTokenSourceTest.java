package dev.rpcharness.provider.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stand-alone provider takes its admin token from a file or the environment, so it need not appear in the
 * process list; the command-line option still works, and a token source that cannot be used is named.
 */
class AdminTokenSourceTest {

    private static final Map<String, String> NO_ENV = Map.of();

    @TempDir
    Path dir;

    private static ProviderMain.Options parse(Map<String, String> env, String... args) {
        return ProviderMain.Options.parse(args, env);
    }

    @Test
    void theTokenIsReadFromAFileWithoutItsLineEnd() throws Exception {
        Path file = Files.writeString(dir.resolve("token"), "s3cret\n", StandardCharsets.UTF_8);

        ProviderMain.Options o = parse(NO_ENV, "--admin-token-file", file.toString());

        assertThat(o.adminToken).isEqualTo("s3cret");
        assertThat(o.adminTokenOnCommandLine).isFalse();
    }

    @Test
    void theTokenIsReadFromTheEnvironmentWhenNoOptionGivesOne() {
        ProviderMain.Options o = parse(Map.of(AdminAccess.TOKEN_ENV, "from-env"), "--admin-host", "0.0.0.0");

        assertThat(o.adminToken).isEqualTo("from-env");
        assertThat(new AdminAccess(o.adminHost, o.adminToken).hasToken()).isTrue();
    }

    @Test
    void anOptionWinsOverTheEnvironment() throws Exception {
        Path file = Files.writeString(dir.resolve("token"), "from-file", StandardCharsets.UTF_8);
        Map<String, String> env = Map.of(AdminAccess.TOKEN_ENV, "from-env");

        assertThat(parse(env, "--admin-token-file", file.toString()).adminToken).isEqualTo("from-file");
        ProviderMain.Options onCommandLine = parse(env, "--admin-token", "from-option");
        assertThat(onCommandLine.adminToken).isEqualTo("from-option");
        assertThat(onCommandLine.adminTokenOnCommandLine).isTrue();
        assertThat(parse(NO_ENV).adminToken).as("no source at all").isNull();
    }

    @Test
    void aMissingOrEmptyTokenFileIsRefusedNamingIt() throws Exception {
        Path missing = dir.resolve("missing");
        Path empty = Files.writeString(dir.resolve("empty"), " \n", StandardCharsets.UTF_8);

        assertThatThrownBy(() -> parse(NO_ENV, "--admin-token-file", missing.toString()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(missing.toString())
                .hasMessageContaining("cannot be read");
        assertThatThrownBy(() -> parse(NO_ENV, "--admin-token-file", empty.toString()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(empty.toString())
                .hasMessageContaining("empty");
    }

    @Test
    void aTokenOptionAndATokenFileTogetherAreRefused() throws Exception {
        Path file = Files.writeString(dir.resolve("token"), "a", StandardCharsets.UTF_8);

        assertThatThrownBy(() -> parse(NO_ENV, "--admin-token", "b", "--admin-token-file", file.toString()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not both");
    }
}
