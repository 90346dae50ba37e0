package dev.rpcharness.reports.render;

import java.util.Locale;

/** Small helpers to write HTML and numbers by hand. Stateless. */
final class Html {

    private Html() {
    }

    /** {@code s} safe as HTML text or attribute value. */
    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /** JSON text safe inside a {@code <script>} element: no {@code </script>} or comment can start in it. */
    static String scriptSafe(String json) {
        return json.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026");
    }

    /** Milliseconds with a sensible number of digits: 0.303, 4.23, 1000. */
    static String ms(double v) {
        if (v >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (v >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        if (v >= 1) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        return String.format(Locale.ROOT, "%.3f", v);
    }

    /** A compared figure: a whole number as such (counts), anything else like {@link #ms}. */
    static String figure(Double v) {
        if (v == null) {
            return "-";
        }
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf(v.longValue()) : ms(v);
    }

    /** Seconds to one decimal, or a dash for null. */
    static String sec(Double v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%.1f", v);
    }

    static String num(double v, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }
}
