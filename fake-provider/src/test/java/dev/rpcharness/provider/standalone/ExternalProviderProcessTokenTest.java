package dev.rpcharness.provider.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A provider process started with an admin token gets it through its environment, not its command line (where
 * every user of the machine could read it), requires it, and is driven with it by {@link ExternalProviderProcess}.
 */
class ExternalProviderProcessTokenTest {

    private static final String TOKEN = "t0ken-" + Long.toHexString(System.nanoTime());

    @Test
    void theTokenTravelsInTheEnvironmentAndEveryAdminRequestNeedsIt() throws Exception {
        try (ExternalProviderProcess p = ExternalProviderProcess.builder().adminToken(TOKEN).start()) {
            Path cmdline = Path.of("/proc", Long.toString(p.pid()), "cmdline");
            assumeTrue(Files.isReadable(cmdline), "the process list is read from /proc (Linux)");
            String commandLine = Files.readString(cmdline, StandardCharsets.UTF_8);
            assertThat(commandLine).as("the process's command line").contains(ProviderMain.class.getName())
                    .doesNotContain(TOKEN);

            assertThat(p.stats()).as("sent with the token").contains("\"state\":\"RUNNING\"");

            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> without = http.send(HttpRequest.newBuilder(p.adminUri().resolve("admin/stats"))
                    .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(without.statusCode()).isEqualTo(401);
        }
    }
}
