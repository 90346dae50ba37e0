package dev.rpcharness.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Gatling's launcher starts its JVM with {@code -XX:+HeapDumpOnOutOfMemoryError} by default, which writes a heap
 * dump of the injector's whole heap (a gigabyte or more) into the working directory: the module's source folder.
 * Every pom of the repository that runs Gatling must therefore point {@code -XX:HeapDumpPath} under the build
 * directory, in each {@code <jvmArgs>} block it gives the plugin.
 */
class HeapDumpPathTest {

    private static final Pattern JVM_ARGS = Pattern.compile("<jvmArgs>(.*?)</jvmArgs>", Pattern.DOTALL);
    private static final String UNDER_TARGET = "<jvmArg>-XX:HeapDumpPath=${project.build.directory}";

    @Test
    void everyGatlingJvmDumpsItsHeapUnderTarget() throws IOException {
        Path root = repositoryRoot();
        List<Path> gatlingPoms;
        try (Stream<Path> poms = Files.walk(root)) {
            gatlingPoms = poms.filter(p -> p.getFileName().toString().equals("pom.xml"))
                    .filter(p -> !p.toString().contains("/target/"))
                    .filter(HeapDumpPathTest::runsGatlingWithJvmArgs)
                    .collect(Collectors.toList());
        }
        assertThat(gatlingPoms).as("poms that run Gatling with their own JVM arguments").hasSizeGreaterThanOrEqualTo(3);
        for (Path pom : gatlingPoms) {
            Matcher blocks = JVM_ARGS.matcher(read(pom));
            while (blocks.find()) {
                assertThat(blocks.group(1))
                        .as("%s: a <jvmArgs> block of the Gatling plugin without a heap dump path under target/",
                                root.relativize(pom))
                        .contains(UNDER_TARGET);
            }
        }
    }

    private static boolean runsGatlingWithJvmArgs(Path pom) {
        String text = read(pom);
        return text.contains("gatling-maven-plugin</artifactId>") && text.contains("<jvmArgs>");
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (!Files.isDirectory(dir.resolve("docs")) || !Files.exists(dir.resolve("README.md"))) {
            dir = dir.getParent();
            assertThat(dir).as("repository root above the module").isNotNull();
        }
        return dir;
    }
}
