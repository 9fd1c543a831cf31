package io.corral.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.config.Settings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line: both option forms, --version, --classpath and CORRAL_CLASSPATH, and a --help that is true. */
class MainTest {

    @TempDir
    Path dir;

    private Path routes() throws Exception {
        Path f = dir.resolve("r.routes");
        Files.writeString(f, "[{'_', [{\"/e\", 'io.corral.demo.EchoHandler', []}]}].\n");
        return f;
    }

    @Test
    void anOptionTakesItsValueAfterAnEqualsSignAsWellAsAsTheNextArgument() throws Exception {
        Settings a = Main.parse("serve", List.of("--port=9001", "--bind=0.0.0.0", "--routes=" + routes(),
                "--cookie=a=b"), null);
        Settings b = Main.parse("serve", List.of("--port", "9001", "--bind", "0.0.0.0", "--routes",
                routes().toString(), "--cookie", "a=b"), null);
        assertEquals(b, a, "--opt=value and --opt value give the same settings");
        assertEquals(9001, a.port());
        assertEquals("a=b", a.cookie(), "only the first '=' separates the option from its value");
    }

    @Test
    void versionPrintsCorralsVersionAndTheJInterfaceAndNettyItRunsWith() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"--version"}, new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        String v = out.toString(StandardCharsets.UTF_8).strip();
        assertEquals(0, code);
        assertTrue(v.matches("corral \\S+ \\(JInterface \\d+\\.\\d+(\\.\\d+)*, Netty 4\\.\\S+, Java \\S+\\)"),
                "names each version: " + v);
        assertFalse(v.contains("unknown"), "every number comes from the build: " + v);
    }

    @Test
    void classPathEntriesComeFromTheEnvironmentThenTheOption() throws Exception {
        Path a = Files.createDirectories(dir.resolve("a")), b = Files.createDirectories(dir.resolve("b"));
        Path jar = Files.write(dir.resolve("c.jar"), new byte[0]);
        Settings s = Main.parse("serve", List.of("--routes", routes().toString(), "--classpath", b + ":" + jar),
                a.toString());
        assertEquals(List.of(a, b, jar), s.classPath(), "CORRAL_CLASSPATH first, then --classpath's entries");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Main.parse("serve",
                List.of("--routes", routes().toString(), "--classpath", dir.resolve("nope").toString()), null));
        assertTrue(e.getMessage().contains("nope"), "a missing entry is named: " + e.getMessage());
    }

    /** Every option --help lists is one the parser takes; every option the parser takes is listed. */
    @Test
    void helpListsExactlyTheOptionsThatAreAccepted() throws Exception {
        Set<String> listed = new LinkedHashSet<>();
        Matcher m = Pattern.compile("(?m)^\\s+(--[a-z-]+)").matcher(Main.HELP);
        while (m.find()) listed.add(m.group(1));
        assertTrue(listed.containsAll(List.of("--port", "--routes", "--classpath", "--version", "--help")), "" + listed);
        for (String opt : listed) {
            if (opt.equals("--help") || opt.equals("--version")) continue;
            try {
                Main.parse("serve", List.of("--routes", routes().toString(), opt, "x"), null);
            } catch (IllegalArgumentException e) {
                assertFalse(e.getMessage().equals("unknown option '" + opt + "'"),
                        opt + " is listed but refused: " + e.getMessage());
            }
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Main.parse("serve", List.of("--no-such-option", "x"), null));
        assertTrue(e.getMessage().contains("--no-such-option"), e.getMessage());
    }

    @Test
    void theCookieComesFromCorralCookieWhenNoOptionNamesOneSoItIsNeverOnTheCommandLine() throws Exception {
        Settings fromEnv = Main.parse("serve", List.of("--routes", routes().toString()), null, "from_env");
        assertEquals("from_env", fromEnv.cookie(), "CORRAL_COOKIE: only the process's owner can read its environment");
        Path file = dir.resolve("cookie");
        Settings fileWins = Main.parse("serve", List.of("--routes", routes().toString(), "--cookie-file",
                file.toString()), null, "from_env");
        assertEquals(null, fileWins.cookie(), "--cookie-file, when given, is where the cookie comes from");
        assertEquals(file, fileWins.cookieFile());
    }

    @Test
    void aCookieOnTheCommandLineIsWarnedAboutBecauseEveryLocalUserCanReadIt() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.routes"), "[{'_', [{\"/e\", 'no.such.Handler', []}]}].\n");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"serve", "--port", "0", "--routes", bad.toString(), "--cookie", "c"},
                System.out, new PrintStream(err, true, StandardCharsets.UTF_8));
        String said = err.toString(StandardCharsets.UTF_8);
        assertEquals(1, code, "the start fails on the missing class: " + said);
        assertTrue(said.contains(Main.COOKIE_ON_COMMAND_LINE), "the warning is printed first: " + said);
        assertTrue(said.contains("/proc/PID/cmdline") && said.contains("--cookie-file") && said.contains("CORRAL_COOKIE"),
                "it says why and what to use instead: " + said);
    }
}
