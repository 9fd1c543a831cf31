package io.corral.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a JMH CSV result of {@link FrameCostBenchmark} ({@code -rf csv}) and prints corral / netty per payload: how
 * many times Netty's per-frame cost one echo through Corral costs.
 *
 * <pre>java io.corral.bench.JmhRatios bench/results/jmh.csv</pre>
 */
public final class JmhRatios {
    private JmhRatios() {}

    public static void main(String[] args) throws Exception {
        List<String> lines = Files.readAllLines(Path.of(args[0]));
        List<String> header = split(lines.getFirst());
        int bench = header.indexOf("Benchmark"), score = header.indexOf("Score"), error = header.indexOf("Score Error (99.9%)"),
                unit = header.indexOf("Unit"), param = header.indexOf("Param: payload");
        // payload -> benchmark -> {score, error}
        Map<String, Map<String, double[]>> by = new LinkedHashMap<>();
        String units = "";
        for (String l : lines.subList(1, lines.size())) {
            List<String> f = split(l);
            if (f.size() <= param || f.get(bench).contains(":")) continue; // secondary results (-prof gc) have a ':'
            String name = f.get(bench).substring(f.get(bench).lastIndexOf('.') + 1);
            by.computeIfAbsent(f.get(param), k -> new LinkedHashMap<>())
                    .put(name, new double[] {num(f.get(score)), num(f.get(error))});
            units = f.get(unit);
        }
        System.out.printf(Locale.ROOT, "%-12s %16s %16s %14s%n", "payload", "corral " + units, "netty " + units, "corral/netty");
        for (var e : by.entrySet()) {
            double[] c = e.getValue().get("corral"), n = e.getValue().get("netty");
            if (c == null || n == null) continue;
            System.out.printf(Locale.ROOT, "%-12s %9.1f ± %-5.1f %9.1f ± %-5.1f %14.2f%n", e.getKey(), c[0], c[1], n[0], n[1],
                    c[0] / n[0]);
        }
    }

    private static double num(String s) {
        return s.isEmpty() || s.equals("NaN") ? Double.NaN : Double.parseDouble(s);
    }

    /** JMH's CSV: every field quoted or numeric, no commas inside fields. */
    private static List<String> split(String line) {
        return java.util.Arrays.stream(line.split(",", -1)).map(s -> s.replace("\"", "").trim()).toList();
    }
}
