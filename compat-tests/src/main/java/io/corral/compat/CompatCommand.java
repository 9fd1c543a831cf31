package io.corral.compat;

import io.corral.compat.catalogue.Flavour;
import io.corral.compat.catalogue.Generation;
import io.corral.compat.catalogue.Target;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code corral compat}: runs the catalogue's client side against a running server (Corral, or a Cowboy with the
 * compat modules and dispatch) and writes the report. Loaded by {@code io.corral.cli.Main} by reflection, so
 * java-node does not depend on this module.
 */
public final class CompatCommand {
    public static final String USAGE = """
            corral compat --target ws://HOST:PORT --generation 1.x|2.x [--prefix /erl25] [--flavour F]
                          [--server corral|cowboy] [--only PATTERN] [--out DIR]
              Runs the Cowboy compatibility catalogue against a running server whose routes serve the compat
              handlers under PREFIX (PREFIX/script, PREFIX/script/:name, PREFIX/log). The flavour decides which
              scenarios apply: java2, java1, erl1, erl20, erl25; by default it is read from the prefix, else
              erl1 for 1.x and erl25 for 2.x. --server cowboy skips the scenarios that check where Corral
              is stricter than Cowboy (default: corral). --only keeps the scenarios whose name matches the regex PATTERN.
              Prints a table, writes junit.xml, report.json and report.txt to DIR (default ./compat-report);
              exits 1 when a scenario fails.
            """;

    private CompatCommand() {}

    /** Entry point used by the CLI: returns the exit code. */
    public static int run(List<String> args, PrintStream out, PrintStream err) {
        String target = null, generation = null, prefix = null, flavour = null, only = null, dir = "compat-report";
        Target.Server server = Target.Server.CORRAL;
        try {
            for (int i = 0; i < args.size(); i++) {
                String a = args.get(i);
                if (a.equals("--help") || a.equals("-h")) {
                    out.print(USAGE);
                    return 0;
                }
                if (i + 1 >= args.size()) throw new IllegalArgumentException(a + " needs a value");
                String v = args.get(++i);
                switch (a) {
                    case "--target" -> target = v;
                    case "--generation" -> generation = v;
                    case "--prefix" -> prefix = v;
                    case "--flavour" -> flavour = v;
                    case "--only" -> only = v;
                    case "--server" -> server = parseServer(v);
                    case "--out" -> dir = v;
                    default -> throw new IllegalArgumentException("unknown option '" + a + "'");
                }
            }
            if (target == null || generation == null) throw new IllegalArgumentException("--target and --generation are required");
            Target t = Target.of(target, Generation.parse(generation), prefix, flavour == null ? null : Flavour.parse(flavour),
                    server);
            Report report = new Report(t, Runner.run(t, only == null ? null : Pattern.compile(only)));
            report.printTable(out);
            report.write(Path.of(dir));
            out.println("compat: report written to " + Path.of(dir).toAbsolutePath());
            return report.passed() ? 0 : 1;
        } catch (IllegalArgumentException e) {
            err.println("corral compat: " + e.getMessage());
            err.print(USAGE);
            return 2;
        } catch (IOException e) {
            err.println("corral compat: cannot write the report: " + e);
            return 1;
        }
    }

    private static Target.Server parseServer(String v) {
        return switch (v) {
            case "corral" -> Target.Server.CORRAL;
            case "cowboy" -> Target.Server.COWBOY;
            default -> throw new IllegalArgumentException("--server is corral or cowboy, got '" + v + "'");
        };
    }
}
