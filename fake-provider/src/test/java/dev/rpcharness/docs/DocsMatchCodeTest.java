package dev.rpcharness.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A doc is code that nobody compiles, so this test reads every Markdown file and every Java source of the
 * repository and checks that what they name exists: relative links and {@code *.md} file names, fully qualified
 * class and package names, command-line options, and timeline action names (against the string literals the
 * code records). Each problem is reported with its file and line.
 */
class DocsMatchCodeTest {

    private static final Pattern MD_LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    private static final Pattern MD_FILE = Pattern.compile("(?<![\\w/.-])((?:[\\w.-]+/)*[\\w-]+\\.md)\\b");
    private static final Pattern QUALIFIED = Pattern.compile("\\bdev\\.rpcharness(?:\\.[A-Za-z_]\\w*)+");
    private static final Pattern OPTION = Pattern.compile("(?<![\\w-])(--[a-z][a-z-]+)");
    private static final Pattern CODE_TOKEN = Pattern.compile("(?:`|\\{@code )([a-z]+(?:-[a-z]+)+)(?:`|\\})");
    private static final Pattern LITERAL = Pattern.compile("\"([a-z][a-z-]*)\"");

    private static Path root;
    private static List<Path> markdown;
    private static List<Path> javaSources;
    private static Set<String> literals;

    @BeforeAll
    static void readRepository() throws IOException {
        root = Path.of("").toAbsolutePath();
        while (!Files.isDirectory(root.resolve("docs")) || !Files.exists(root.resolve("README.md"))) {
            root = root.getParent();
            assertThat(root).as("repository root above the module").isNotNull();
        }
        markdown = files(".md");
        javaSources = files(".java");
        literals = new HashSet<>();
        for (Path java : javaSources) {
            if (java.toString().contains("/src/main/")) {
                Matcher m = LITERAL.matcher(Files.readString(java));
                while (m.find()) {
                    literals.add(m.group(1));
                }
            }
        }
        assertThat(markdown).isNotEmpty();
        assertThat(javaSources).hasSizeGreaterThan(50);
    }

    private static List<Path> files(String suffix) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            return all.filter(p -> p.toString().endsWith(suffix))
                    .filter(p -> {
                        String rel = root.relativize(p).toString();
                        return !rel.contains("target/") && !rel.startsWith(".") && !rel.contains("/.")
                                && !rel.startsWith("shared") && !rel.contains("node_modules");
                    })
                    .sorted().toList();
        }
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String where(Path file, int line) {
        return root.relativize(file) + ":" + (line + 1);
    }

    @Test
    void relativeLinksOfMarkdownFilesPointToFilesThatExist() {
        List<String> broken = new ArrayList<>();
        for (Path md : markdown) {
            List<String> lines = lines(md);
            for (int i = 0; i < lines.size(); i++) {
                Matcher m = MD_LINK.matcher(lines.get(i));
                while (m.find()) {
                    String target = m.group(1);
                    if (target.matches("^[a-z]+:.*") || target.startsWith("#")) {
                        continue;
                    }
                    String file = target.replaceAll("#.*$", "");
                    if (!Files.exists(md.getParent().resolve(file).normalize())) {
                        broken.add(where(md, i) + " links " + target);
                    }
                }
            }
        }
        assertThat(broken).as("links to files that do not exist").isEmpty();
    }

    @Test
    void markdownFilesNamedInDocsAndJavadocExist() {
        List<String> missing = new ArrayList<>();
        List<Path> all = new ArrayList<>(markdown);
        all.addAll(javaSources);
        for (Path file : all) {
            List<String> lines = lines(file);
            boolean java = file.toString().endsWith(".java");
            for (int i = 0; i < lines.size(); i++) {
                if (java && !isComment(lines.get(i))) {
                    continue; // code may name files a run writes (the report's summary); docs name repository files
                }
                Matcher m = MD_FILE.matcher(lines.get(i));
                while (m.find()) {
                    String name = m.group(1);
                    if (!mdExists(file, name)) {
                        missing.add(where(file, i) + " names " + name);
                    }
                }
            }
        }
        assertThat(missing).as("Markdown files named but not in the repository").isEmpty();
    }

    /** A line of Javadoc or a comment. */
    private static boolean isComment(String line) {
        String t = line.strip();
        return t.startsWith("*") || t.startsWith("/*") || t.startsWith("//");
    }

    /**
     * Relative to the naming file, to the repository root, or as the end of some Markdown file's path.
     */
    private static boolean mdExists(Path from, String name) {
        if (Files.exists(from.getParent().resolve(name)) || Files.exists(root.resolve(name))) {
            return true;
        }
        return markdown.stream().anyMatch(md -> md.endsWith(name));
    }

    @Test
    void qualifiedNamesInDocsAndJavadocAreClassesOrPackagesOfTheCode() {
        Set<String> known = new HashSet<>();
        for (Path java : javaSources) {
            String rel = java.toString().replace('\\', '/');
            int at = rel.indexOf("/java/dev/rpcharness/");
            if (at < 0) {
                continue;
            }
            String name = rel.substring(at + "/java/".length(), rel.length() - ".java".length()).replace('/', '.');
            known.add(name);
            for (int dot = name.lastIndexOf('.'); dot > 0; dot = name.lastIndexOf('.', dot - 1)) {
                known.add(name.substring(0, dot));
            }
        }
        List<String> unknown = new ArrayList<>();
        List<Path> all = new ArrayList<>(markdown);
        all.addAll(javaSources);
        for (Path file : all) {
            List<String> lines = lines(file);
            for (int i = 0; i < lines.size(); i++) {
                Matcher m = QUALIFIED.matcher(lines.get(i));
                while (m.find()) {
                    String name = m.group();
                    // a nested class or a member: the longest known prefix must be a class
                    if (!known.contains(name) && !knownPrefixIsClass(name, known)) {
                        unknown.add(where(file, i) + " names " + name);
                    }
                }
            }
        }
        assertThat(unknown).as("qualified names that are no class or package").isEmpty();
    }

    private static boolean knownPrefixIsClass(String name, Set<String> known) {
        for (int dot = name.lastIndexOf('.'); dot > 0; dot = name.lastIndexOf('.', dot - 1)) {
            String prefix = name.substring(0, dot);
            if (known.contains(prefix)) {
                String last = prefix.substring(prefix.lastIndexOf('.') + 1);
                return Character.isUpperCase(last.charAt(0));
            }
        }
        return false;
    }

    @Test
    void commandLineOptionsInMarkdownAreOptionsTheCodeReads() {
        Set<String> mavenAndTools = Set.of("--also-make", "--projects", "--batch-mode", "--offline");
        List<String> unknown = new ArrayList<>();
        for (Path md : markdown) {
            List<String> lines = lines(md);
            for (int i = 0; i < lines.size(); i++) {
                Matcher m = OPTION.matcher(lines.get(i));
                while (m.find()) {
                    String option = m.group(1);
                    if (!mavenAndTools.contains(option) && !literalsContainOption(option)) {
                        unknown.add(where(md, i) + " names option " + option);
                    }
                }
            }
        }
        assertThat(unknown).as("options no code reads").isEmpty();
    }

    private static boolean literalsContainOption(String option) {
        return javaSources.stream().filter(p -> p.toString().contains("/src/main/"))
                .anyMatch(p -> {
                    try {
                        return Files.readString(p).contains("\"" + option + "\"");
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
    }

    @Test
    void timelineActionsNamedInDocsAndJavadocAreRecordedByTheCode() {
        List<String> unknown = new ArrayList<>();
        List<Path> all = new ArrayList<>(markdown);
        all.addAll(javaSources);
        for (Path file : all) {
            List<String> lines = lines(file);
            boolean actionTable = false;
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                boolean header = line.startsWith("|") && (i == 0 || !lines.get(i - 1).startsWith("|"));
                if (header) {
                    actionTable = line.toLowerCase().contains("action"); // a table whose header has an action column
                } else if (!line.startsWith("|")) {
                    actionTable = false;
                }
                if (!actionTable && !line.toLowerCase().matches(".*(timeline|action).*")) {
                    continue;
                }
                Matcher m = CODE_TOKEN.matcher(line);
                while (m.find()) {
                    String action = m.group(1);
                    if (!isRecordedAction(action)) {
                        unknown.add(where(file, i) + " names action " + action);
                    }
                }
            }
        }
        assertThat(unknown).as("timeline actions the code never records").isEmpty();
    }

    /**
     * A literal of the code, or one composed the way the code composes actions: {@code provider-} and a provider
     * event's name, a chaos step's name and {@code -failed}.
     */
    private static boolean isRecordedAction(String action) {
        if (literals.contains(action)) {
            return true;
        }
        if (action.startsWith("provider-") && literals.contains(action.substring("provider-".length()))) {
            return true;
        }
        return action.endsWith("-failed") && literals.contains(action.substring(0, action.length() - 7));
    }
}
