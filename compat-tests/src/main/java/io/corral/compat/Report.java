package io.corral.compat;

import io.corral.compat.Runner.Outcome;
import io.corral.compat.Runner.Status;
import io.corral.compat.catalogue.Target;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The report of one run: a table for people, JUnit XML for CI, JSON for tools. */
public final class Report {
    private final Target target;
    private final List<Outcome> outcomes;

    public Report(Target target, List<Outcome> outcomes) {
        this.target = target;
        this.outcomes = outcomes;
    }

    public long count(Status s) {
        return outcomes.stream().filter(o -> o.status() == s).count();
    }

    public boolean passed() {
        return count(Status.FAIL) == 0;
    }

    public String summary() {
        return "compat: " + outcomes.size() + " scenarios against " + target + ": " + count(Status.PASS) + " passed, "
                + count(Status.FAIL) + " failed, " + count(Status.EXCLUDED) + " excluded";
    }

    public void printTable(PrintStream out) {
        int w = outcomes.stream().mapToInt(o -> o.scenario().name().length()).max().orElse(10);
        out.printf("%-" + w + "s  %-8s  %s%n", "SCENARIO", "RESULT", "EXPECTED / OBSERVED");
        for (Outcome o : outcomes) {
            out.printf("%-" + w + "s  %-8s  expected: %s%n", o.scenario().name(), o.status(), o.expected());
            out.printf("%-" + w + "s  %-8s  observed: %s%n", "", "", o.observed());
            if (o.failure() != null) out.printf("%-" + w + "s  %-8s  FAILED:   %s%n", "", "", o.failure());
        }
        out.println(summary());
    }

    /** Writes junit.xml and report.json into {@code dir}, and the table as report.txt. */
    public void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("junit.xml"), junit(), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("report.json"), json(), StandardCharsets.UTF_8);
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        printTable(new PrintStream(b, true, StandardCharsets.UTF_8));
        Files.writeString(dir.resolve("report.txt"), b.toString(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
    }

    String junit() {
        String suite = "compat." + target.flavour().name().toLowerCase(java.util.Locale.ROOT);
        StringBuilder sb = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        double total = outcomes.stream().mapToLong(Outcome::millis).sum() / 1000.0;
        sb.append("<testsuite name=\"").append(xml(suite)).append("\" tests=\"").append(outcomes.size())
                .append("\" failures=\"").append(count(Status.FAIL)).append("\" errors=\"0\" skipped=\"")
                .append(count(Status.EXCLUDED)).append("\" time=\"").append(total).append("\">\n");
        sb.append("  <properties><property name=\"target\" value=\"").append(xml(target.toString())).append("\"/></properties>\n");
        for (Outcome o : outcomes) {
            sb.append("  <testcase classname=\"").append(xml(suite + "." + o.scenario().area())).append("\" name=\"")
                    .append(xml(o.scenario().name())).append("\" time=\"").append(o.millis() / 1000.0).append("\">\n");
            switch (o.status()) {
                case FAIL -> sb.append("    <failure message=\"").append(xml(o.failure())).append("\">expected: ")
                        .append(xml(o.expected())).append("\nobserved: ").append(xml(o.observed())).append("</failure>\n");
                case EXCLUDED -> sb.append("    <skipped message=\"").append(xml(o.observed())).append("\"/>\n");
                case PASS -> sb.append("    <system-out>expected: ").append(xml(o.expected())).append("\nobserved: ")
                        .append(xml(o.observed())).append("</system-out>\n");
            }
            sb.append("  </testcase>\n");
        }
        return sb.append("</testsuite>\n").toString();
    }

    String json() {
        StringBuilder sb = new StringBuilder("{\n");
        sb.append("  \"target\": ").append(js(target.toString())).append(",\n");
        sb.append("  \"flavour\": ").append(js(target.flavour().name().toLowerCase(java.util.Locale.ROOT))).append(",\n");
        sb.append("  \"generation\": ").append(js(target.generation().label)).append(",\n");
        sb.append("  \"passed\": ").append(count(Status.PASS)).append(", \"failed\": ").append(count(Status.FAIL))
                .append(", \"excluded\": ").append(count(Status.EXCLUDED)).append(",\n");
        sb.append("  \"scenarios\": [\n");
        for (int i = 0; i < outcomes.size(); i++) {
            Outcome o = outcomes.get(i);
            sb.append("    {\"name\": ").append(js(o.scenario().name())).append(", \"area\": ").append(js(o.scenario().area()))
                    .append(", \"does\": ").append(js(o.scenario().does()))
                    .append(", \"result\": ").append(js(o.status().name().toLowerCase(java.util.Locale.ROOT)))
                    .append(", \"expected\": ").append(js(o.expected())).append(", \"observed\": ").append(js(o.observed()))
                    .append(", \"failure\": ").append(o.failure() == null ? "null" : js(o.failure()))
                    .append(", \"millis\": ").append(o.millis()).append("}").append(i + 1 < outcomes.size() ? ",\n" : "\n");
        }
        return sb.append("  ]\n}\n").toString();
    }

    private static String xml(String s) {
        if (s == null) return "";
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                default -> sb.append(c < 0x20 && c != '\n' && c != '\t' ? ' ' : c);
            }
        }
        return sb.toString();
    }

    private static String js(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                default -> {
                    if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        return sb.append('"').toString();
    }
}
