package dev.rpcharness.reports.render;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rpcharness.reports.analysis.ChaosStep;
import dev.rpcharness.reports.analysis.Distribution;
import dev.rpcharness.reports.analysis.ScenarioAnalysis;
import dev.rpcharness.reports.analysis.SecondSeries;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** The JSON a scenario page draws its charts from (read by report.js). Stateless. */
final class ChartData {

    private static final double MIN_LOG_MS = 0.001;
    private static final double[] PROVIDER_WIDTHS = {5.0, 3.0, 1.6, 1.2};

    private ChartData() {
    }

    static ObjectNode of(ScenarioAnalysis a, ObjectMapper mapper) {
        ObjectNode root = mapper.createObjectNode();
        root.put("title", a.run().title());
        root.put("seconds", a.run().buckets().size());
        ArrayNode steps = root.putArray("steps");
        for (ChaosStep s : a.steps()) {
            ObjectNode n = steps.addObject();
            n.put("label", s.label());
            n.put("kind", s.kind());
            n.put("chaos", s.chaos());
            n.put("start", round(s.start()));
            if (s.end() == null) {
                n.putNull("end");
            } else {
                n.put("end", round(s.end()));
            }
            if (s.endKind() != null) {
                n.put("endLabel", s.endKind());
            }
        }
        SecondSeries s = a.series();
        ObjectNode latency = chart(root, "latency", "Latency per second, every call (log scale)", "ms", " ms",
                s.x());
        series(latency, "p50", Palette.P50, positive(s.p50()), null);
        series(latency, "p99", Palette.P99, positive(s.p99()), null);
        series(latency, "p99.9", Palette.P999, positive(s.p999()), null);
        series(latency, "max", Palette.MAX, positive(s.max()), new int[] {5, 3});

        ObjectNode tp = chart(root, "throughput", "Ok calls per second (left axis) and failed calls per second by "
                + "error class (right axis)", "ok calls/s", "/s", s.x());
        tp.put("y2Label", "failed calls/s");
        series(tp, "ok", Palette.OK, s.ok(), null);
        int i = 0;
        for (Map.Entry<String, double[]> e : s.errors().entrySet()) {
            series(tp, e.getKey(), Palette.error(e.getKey(), i++), e.getValue(), null).put("scale", "err");
        }

        ObjectNode pv = chart(root, "providers", "Calls per second per provider (solid: ok, dashed: failed)",
                "calls/s", "/s", s.x());
        int p = 0;
        List<String> addresses = new ArrayList<>(s.providerOk().keySet());
        addresses.sort(Comparator.comparing((String ad) -> a.providerNames().getOrDefault(ad, "~" + ad)));
        for (String address : addresses) {
            String name = a.providerNames().getOrDefault(address, "");
            String label = (name.isEmpty() ? "" : name + " ") + address;
            String colour = Palette.provider(p++);
            // Earlier providers draw wider, so a provider whose line another one covers (round robin gives
            // equal counts) still shows as a coloured edge.
            series(pv, label + " ok", colour, s.providerOk().get(address), null)
                    .put("width", PROVIDER_WIDTHS[Math.min(p - 1, PROVIDER_WIDTHS.length - 1)]);
            double[] failed = s.providerFailed().get(address);
            if (java.util.Arrays.stream(failed).anyMatch(v -> v > 0)) {
                series(pv, label + " failed", colour, failed, new int[] {6, 4});
            }
        }

        if (a.attempts().isPresent()) {
            ObjectNode at = chart(root, "attempts", "Attempts per call per second (left axis: amplification) and "
                    + "retries the budget refused per second (right axis)", "attempts per call", "", s.x());
            at.put("y2Label", "refused retries/s");
            series(at, "attempts per call", Palette.P99, a.attempts().get().perCall(), null);
            series(at, "refused retries", Palette.MAX, a.attempts().get().refusedPerSecond(), new int[] {6, 4})
                    .put("scale", "err");
        }

        Distribution all = a.distribution();
        Distribution ok = a.okDistribution();
        ObjectNode dist = chart(root, "distribution", "Latency by percentile, whole run (log scales)", "ms", " ms",
                all.axis());
        series(dist, "every call", Palette.ALL, positive(box(all.millis())), null);
        if (a.okCount() > 0 && a.errors() > 0) {
            series(dist, "ok calls", Palette.OK, positive(box(ok.millis())), new int[] {6, 4});
        }
        return root;
    }

    private static ObjectNode chart(ObjectNode root, String key, String title, String yLabel, String unit,
            double[] x) {
        ObjectNode c = root.putObject(key);
        c.put("title", title);
        c.put("yLabel", yLabel);
        c.put("xLabel", key.equals("distribution") ? "percentile" : "second");
        c.put("unit", unit);
        ArrayNode xs = c.putArray("x");
        for (double v : x) {
            xs.add(round(v));
        }
        c.putArray("series");
        return c;
    }

    private static ObjectNode series(ObjectNode chart, String label, String colour, double[] values, int[] dash) {
        return series(chart, label, colour, box(values), dash);
    }

    private static ObjectNode series(ObjectNode chart, String label, String colour, Double[] values, int[] dash) {
        ObjectNode s = ((ArrayNode) chart.get("series")).addObject();
        s.put("label", label);
        s.put("color", colour);
        if (dash != null) {
            ArrayNode d = s.putArray("dash");
            for (int v : dash) {
                d.add(v);
            }
        }
        ArrayNode vs = s.putArray("values");
        for (Double v : values) {
            if (v == null) {
                vs.addNull();
            } else {
                vs.add(round(v));
            }
        }
        return s;
    }

    private static Double[] box(double[] values) {
        Double[] out = new Double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }

    /** Values for a log axis: a 0 µs latency is drawn at 1 µs. */
    private static Double[] positive(Double[] values) {
        Double[] out = values.clone();
        for (int i = 0; i < out.length; i++) {
            if (out[i] != null && out[i] < MIN_LOG_MS) {
                out[i] = MIN_LOG_MS;
            }
        }
        return out;
    }

    static double round(double v) {
        return Math.round(v * 1000.0) / 1000.0;
    }
}
