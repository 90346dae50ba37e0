package dev.rpcharness.reports.render;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/**
 * The chart library (uPlot, from its WebJar on the classpath) and the page's own script and style, read once, to
 * be inlined into every page so a page needs no network and no file beside it. Immutable; thread-safe.
 */
public final class ChartAssets {

    private static final String WEBJAR = "META-INF/resources/webjars/uplot/";
    private static final String POM = "META-INF/maven/org.webjars.npm/uplot/pom.properties";

    private final String version;
    private final String uplotJs;
    private final String uplotCss;
    private final String pageJs;
    private final String pageCss;

    private ChartAssets(ClassLoader loader) {
        Properties p = new Properties();
        try (InputStream in = loader.getResourceAsStream(POM)) {
            if (in == null) {
                throw new IllegalStateException("the uPlot WebJar (org.webjars.npm:uplot) is not on the classpath: "
                        + "no " + POM);
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + POM, e);
        }
        this.version = p.getProperty("version");
        this.uplotJs = read(loader, WEBJAR + version + "/dist/uPlot.iife.min.js");
        this.uplotCss = read(loader, WEBJAR + version + "/dist/uPlot.min.css");
        this.pageJs = read(loader, "dev/rpcharness/reports/render/report.js");
        this.pageCss = read(loader, "dev/rpcharness/reports/render/report.css");
    }

    /** Reads the assets from the class loader of this class. */
    public static ChartAssets load() {
        return new ChartAssets(ChartAssets.class.getClassLoader());
    }

    private static String read(ClassLoader loader, String path) {
        try (InputStream in = loader.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + path + " on the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
    }

    /** uPlot's version, e.g. 1.6.30. */
    public String version() {
        return version;
    }

    /** The style of every page (uPlot's and ours), for one {@code <style>} element. */
    String css() {
        return uplotCss + "\n" + pageCss;
    }

    /** uPlot itself, for one {@code <script>} element. */
    String uplot() {
        return uplotJs.replace("</script", "<\\/script");
    }

    /** The script that draws a scenario page from its {@code #rpc-data}. */
    String pageScript() {
        return pageJs;
    }
}
