package dev.rpcharness.reports.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the reports take from Gatling's own HTML report of a run ({@code index.html}): the simulation's title and
 * its assertions with their status. Reads the page as text, never runs or copies Gatling's scripts. Stateless.
 */
public final class GatlingReport {

    /** A row of Gatling's assertions table: the text cell, then the status cell (OK or KO). */
    private static final Pattern ROW = Pattern.compile(
            "<td class=\"error-col-1[^\"]*\">\\s*(.*?)\\s*(?:<span[^>]*>.*?</span>)?\\s*</td>\\s*"
                    + "<td class=\"error-col-2[^\"]*\">\\s*(OK|KO)\\s*</td>", Pattern.DOTALL);
    private static final Pattern TABLE = Pattern.compile(
            "<table id=\"container_assertions\".*?</table>", Pattern.DOTALL);
    private static final Pattern TITLE = Pattern.compile("<div class=\"onglet\">\\s*([^<]+?)\\s*</div>");

    private GatlingReport() {
    }

    /** The assertions listed in Gatling's page {@code index}, in page order; empty when it lists none. */
    public static List<Assertion> assertions(Path index) {
        String html = read(index);
        List<Assertion> list = new ArrayList<>();
        Matcher table = TABLE.matcher(html);
        if (!table.find()) {
            return list;
        }
        Matcher m = ROW.matcher(table.group());
        while (m.find()) {
            list.add(new Assertion(unescape(m.group(1).replaceAll("\\s+", " ")), "OK".equals(m.group(2))));
        }
        return list;
    }

    /** The simulation's simple class name as Gatling's page shows it, when it does. */
    public static Optional<String> title(Path index) {
        Matcher m = TITLE.matcher(read(index));
        return m.find() ? Optional.of(unescape(m.group(1))) : Optional.empty();
    }

    private static String read(Path index) {
        try {
            return Files.readString(index, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read Gatling's report " + index, e);
        }
    }

    private static String unescape(String s) {
        return s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'")
                .replace("&amp;", "&");
    }
}
