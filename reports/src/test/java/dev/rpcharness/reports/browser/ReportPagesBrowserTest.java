package dev.rpcharness.reports.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.rpcharness.reports.ReportWriter;
import dev.rpcharness.reports.RunFixture;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Opens generated report pages in a real headless Chromium (Debian's {@code chromium} and {@code chromium-driver},
 * which {@code .ci/run} installs) over {@code file://}, as a person would: no JavaScript error in the browser's log,
 * every chart drew its data, the chaos bands and markers sit where the timeline puts them, the index links every
 * page. Saves a screenshot of each page under {@code target/browser-screenshots/}.
 */
class ReportPagesBrowserTest {

    private static final Path CHROMIUM = Paths.get(System.getProperty("rpc.chromium", "/usr/bin/chromium"));
    private static final Path CHROMEDRIVER = Paths.get(System.getProperty("rpc.chromedriver",
            "/usr/bin/chromedriver"));
    private static final long T0 = 1_796_000_000_000L;
    private static final Path TARGET = Paths.get("target");

    private static ChromeDriver driver;
    private static Path userData;
    private static ReportWriter.Result report;

    @BeforeAll
    static void openBrowserOnAReport() throws IOException {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        String missing = "the browser test needs Debian's chromium and chromium-driver (" + CHROMIUM + ", "
                + CHROMEDRIVER + "): apt-get install -y chromium chromium-driver";
        if (!present && "true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new IllegalStateException(missing + "; .ci/run installs them, so in CI this is an error");
        }
        Assumptions.assumeTrue(present, missing);

        Path runs = Files.createDirectories(TARGET.resolve("browser-test-runs"));
        deleteTree(runs);
        List<List<Path>> groups = new ArrayList<>();
        groups.add(List.of(RunFixture.crashOne(T0).writeTo(runs, "20261130200000001")));
        groups.add(List.of(RunFixture.freeze(T0).writeTo(runs, "20261130200000002")));
        groups.add(List.of(RunFixture.registryOutage(T0).writeTo(runs, "20261130200000003")));
        report = new ReportWriter(runs.resolve(ReportWriter.PREFIX + "browser"), null, false, 0.25).write(groups);

        userData = Files.createTempDirectory("rpc-report-chromium-");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + userData.toAbsolutePath(), "--window-size=1280,900");
        options.setCapability(ChromeOptions.LOGGING_PREFS, logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
    }

    @AfterAll
    static void closeBrowser() throws IOException {
        if (driver != null) {
            driver.quit();
        }
        if (userData != null) {
            deleteTree(userData);
            Files.deleteIfExists(userData);
        }
    }

    @Test
    void crashOnePageShowsTheCrashBandOnEveryTimeChartAndDrawsEveryChart() throws IOException {
        open("crashonesimulation.html");
        assertChartsDrew();
        assertBands(List.of(new double[] {5.2, 10.2}), "p1 crashed");
        assertThat(driver.findElements(By.cssSelector("#chart-latency .chaos-end-label")))
                .extracting(WebElement::getText).containsExactly("restart");
        assertThat(driver.findElements(By.cssSelector("#recovery tbody tr"))).hasSize(1);
        assertThat(driver.findElement(By.cssSelector("#recovery tbody tr")).getText())
                .contains("p1 crashed", "3 (3 connection-lost)", "at once");
        assertThat(driver.findElement(By.id("verdict")).getText()).isEqualTo("pass");
        assertGatlingLinkResolves();
        screenshot("crashonesimulation");
        assertNoConsoleErrors();
    }

    @Test
    void freezePageShowsTheFreezeBandAndTheFailedAssertion() throws IOException {
        open("freezesimulation.html");
        assertChartsDrew();
        assertBands(List.of(new double[] {5.1, 10.1}), "p2 frozen");
        assertThat(driver.findElement(By.id("verdict")).getText()).isEqualTo("fail");
        assertThat(driver.findElement(By.id("assertions")).getText()).contains("fail");
        screenshot("freezesimulation");
        assertNoConsoleErrors();
    }

    @Test
    void registryOutagePageShowsTheOutageBandAndTheSessionExpiryMarker() throws IOException {
        open("registryoutagesimulation.html");
        assertChartsDrew();
        assertBands(List.of(new double[] {4.0, 9.0}), "ZooKeeper down");
        for (Map<String, Object> chart : timeCharts()) {
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> markers = (List<Map<String, Object>>) chart.get("markers");
            assertThat(markers).as("instant markers of %s", chart.get("id")).hasSize(1);
            assertThat(markers.get(0).get("label")).isEqualTo("p0 expire-session");
            assertThat(number(markers.get(0).get("left"))).as("marker of %s", chart.get("id"))
                    .isCloseTo(expectedPx(chart, 12.0), within(1.5));
        }
        screenshot("registryoutagesimulation");
        assertNoConsoleErrors();
    }

    @Test
    void indexLinksEveryScenarioPage() throws IOException {
        open("index.html");
        List<WebElement> links = driver.findElements(By.cssSelector("#scenarios a.scenario-link"));
        assertThat(links).extracting(WebElement::getText)
                .containsExactly("crashonesimulation", "freezesimulation", "registryoutagesimulation");
        for (WebElement link : links) {
            String href = link.getAttribute("href");
            assertThat(Paths.get(java.net.URI.create(href))).exists();
        }
        assertThat(driver.findElement(By.id("scenarios")).getText()).contains("fail", "pass", "p1 crashed");
        screenshot("index");
        assertNoConsoleErrors();
    }

    private void open(String page) {
        driver.manage().window().setSize(new Dimension(1280, 900));
        driver.get(report.outDir().resolve(page).toAbsolutePath().toUri().toString());
        new WebDriverWait(driver, Duration.ofSeconds(30)).until(d -> "complete".equals(
                ((JavascriptExecutor) d).executeScript("return document.readyState")));
    }

    /** Every chart has data, and every series holding data that no later series covers shows its colour. */
    @SuppressWarnings("unchecked")
    private void assertChartsDrew() {
        new WebDriverWait(driver, Duration.ofSeconds(30)).until(d -> "4".equals(
                ((JavascriptExecutor) d).executeScript("return document.body.getAttribute('data-charts-ready')")));
        List<Map<String, Object>> charts = (List<Map<String, Object>>) js(PIXELS);
        assertThat(charts).extracting(c -> c.get("id")).containsExactly("chart-latency", "chart-throughput",
                "chart-providers", "chart-distribution");
        for (Map<String, Object> c : charts) {
            List<Map<String, Object>> series = (List<Map<String, Object>>) c.get("series");
            assertThat(series).as("series of %s", c.get("id")).isNotEmpty();
            long drawn = 0;
            for (Map<String, Object> s : series) {
                assertThat(number(s.get("points"))).as("points of %s / %s", c.get("id"), s.get("label"))
                        .isPositive();
                drawn += (long) number(s.get("pixels"));
                if (Boolean.TRUE.equals(s.get("visibleExpected"))) {
                    assertThat(number(s.get("pixels"))).as("pixels of %s / %s in %s", c.get("id"), s.get("label"),
                            s.get("color")).isGreaterThan(5);
                }
            }
            assertThat(drawn).as("pixels drawn in %s", c.get("id")).isGreaterThan(200);
        }
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> timeCharts() {
        return ((List<Map<String, Object>>) js(CHAOS)).stream().filter(c -> Boolean.TRUE.equals(c.get("chaos")))
                .toList();
    }

    /** Each time chart shows exactly {@code intervals} as bands, at the pixels their seconds map to. */
    @SuppressWarnings("unchecked")
    private void assertBands(List<double[]> intervals, String label) {
        List<Map<String, Object>> charts = timeCharts();
        assertThat(charts).extracting(c -> c.get("id"))
                .containsExactly("chart-latency", "chart-throughput", "chart-providers");
        for (Map<String, Object> c : charts) {
            List<Map<String, Object>> bands = (List<Map<String, Object>>) c.get("bands");
            assertThat(bands).as("bands of %s", c.get("id")).hasSize(intervals.size());
            for (int i = 0; i < intervals.size(); i++) {
                Map<String, Object> band = bands.get(i);
                assertThat(band.get("label")).isEqualTo(label);
                assertThat(number(band.get("left"))).as("band start on %s", c.get("id"))
                        .isCloseTo(expectedPx(c, intervals.get(i)[0]), within(1.5));
                assertThat(number(band.get("left")) + number(band.get("width"))).as("band end on %s", c.get("id"))
                        .isCloseTo(expectedPx(c, intervals.get(i)[1]), within(1.5));
                assertThat(number(band.get("height"))).isCloseTo(number(c.get("height")), within(1.0));
            }
        }
    }

    /** Where second {@code t} lies on a chart whose x axis spans [min, max] over {@code width} CSS pixels. */
    private static double expectedPx(Map<String, Object> chart, double t) {
        double min = number(chart.get("min"));
        double max = number(chart.get("max"));
        return (t - min) / (max - min) * number(chart.get("width"));
    }

    private void assertGatlingLinkResolves() {
        WebElement link = driver.findElement(By.cssSelector("a.gatling-link"));
        assertThat(Paths.get(java.net.URI.create(link.getAttribute("href")))).exists().hasFileName("index.html");
    }

    private void assertNoConsoleErrors() {
        List<String> errors = new ArrayList<>();
        for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
            if (e.getLevel().intValue() >= Level.WARNING.intValue()) {
                errors.add(e.getLevel() + " " + e.getMessage());
            }
        }
        assertThat(errors).as("browser console errors and warnings").isEmpty();
    }

    private void screenshot(String name) throws IOException {
        Number height = (Number) js("return document.documentElement.scrollHeight");
        driver.manage().window().setSize(new Dimension(1280, Math.min(8000, height.intValue() + 40)));
        File shot = driver.getScreenshotAs(OutputType.FILE);
        Path dir = Files.createDirectories(TARGET.resolve("browser-screenshots"));
        Files.copy(shot.toPath(), dir.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    private Object js(String script) {
        return ((JavascriptExecutor) driver).executeScript(script);
    }

    private static double number(Object o) {
        return ((Number) o).doubleValue();
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                if (!p.equals(dir)) {
                    Files.delete(p);
                }
            }
        }
    }

    /** Per chart and series: data points, and canvas pixels of the series' colour. */
    private static final String PIXELS = """
            function rgb(c) {
              var h = c.replace('#', '');
              return [parseInt(h.substr(0, 2), 16), parseInt(h.substr(2, 2), 16), parseInt(h.substr(4, 2), 16)];
            }
            return window.rpcCharts.map(function (c) {
              var u = c.plot, cv = u.ctx.canvas;
              var px = u.ctx.getImageData(0, 0, cv.width, cv.height).data;
              var series = [];
              for (var i = 1; i < u.series.length; i++) {
                var s = u.series[i];
                var colour = typeof s.stroke === 'function' ? s.stroke(u, i) : s.stroke;
                var want = rgb(colour), n = 0;
                for (var p = 0; p < px.length; p += 4) {
                  if (px[p + 3] > 200 && Math.abs(px[p] - want[0]) + Math.abs(px[p + 1] - want[1])
                      + Math.abs(px[p + 2] - want[2]) < 40) { n++; }
                }
                var data = u.data[i], points = data.filter(function (v) { return v !== null && v > 0; }).length;
                var coveredLater = false;
                for (var j = i + 1; j < u.series.length; j++) {
                  var later = u.data[j], same = true;
                  for (var k = 0; k < data.length; k++) {
                    if (data[k] !== later[k]) { same = false; break; }
                  }
                  var laterColour = typeof u.series[j].stroke === 'function' ? u.series[j].stroke(u, j)
                      : u.series[j].stroke;
                  if (same || laterColour === colour) { coveredLater = true; }
                }
                series.push({ label: s.label, color: colour, points: points, pixels: n,
                              visibleExpected: points > 0 && !coveredLater });
              }
              return { id: c.id, series: series };
            });
            """;

    /** Per chart: x scale, plotting area size, and the chaos bands and markers with their CSS pixel boxes. */
    private static final String CHAOS = """
            return window.rpcCharts.map(function (c) {
              var u = c.plot;
              function box(el) {
                var label = el.querySelector('.chaos-label');
                return { left: el.offsetLeft, width: el.offsetWidth, height: el.offsetHeight,
                         label: label ? label.textContent : null };
              }
              return { id: c.id, chaos: c.chaos, min: u.scales.x.min, max: u.scales.x.max,
                       width: u.over.clientWidth, height: u.over.clientHeight,
                       bands: Array.prototype.map.call(u.over.querySelectorAll('.chaos-band'), box),
                       markers: Array.prototype.map.call(u.over.querySelectorAll('.chaos-marker'), box) };
            });
            """;
}
