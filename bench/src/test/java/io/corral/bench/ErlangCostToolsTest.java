package io.corral.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two standalone tools of bench/README.md section 7 that measure erlang-bridge without a JVM
 * (bench/erlang/corral_bench_bridge_cost.erl, corral_bench_proxy.erl), run for a few cycles on a real erl node
 * against the erlang-bridge this build compiled, so that a change of the contract cannot leave them waiting for a
 * message that no longer comes (the cost tool did, for the link's exit, after the link was removed). Only that they
 * run through and print their figures is checked; the figures themselves are not.
 */
class ErlangCostToolsTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    Path ebin;

    @Test
    void theHandshakeCostToolRunsItsCycles() throws Exception {
        compile("corral_bench_bridge_cost.erl", "corral_bench_echo.erl");
        String out = erl("-eval", "corral_bench_bridge_cost:main(300), halt().");
        Matcher m = Pattern.compile("300 cycles: ([0-9.]+) us CPU, ([0-9]+) reductions").matcher(out);
        assertTrue(m.find(), "the tool completed its cycles and printed its figures: " + out);
        assertTrue(Long.parseLong(m.group(2)) > 0, "a cycle runs the bridge's code: " + out);
    }

    @Test
    void theProxyCostToolEchoesItsFrames() throws Exception {
        compile("corral_bench_proxy.erl", "corral_bench_echo.erl");
        String out = erl("-run", "corral_bench_proxy", "run", "500");
        assertTrue(Pattern.compile("proxy: [0-9.]+ reductions per frame, round trip [0-9.]+ us \\(500 frames\\)")
                .matcher(out).find(), "the tool echoed its frames through a proxy and printed its figures: " + out);
    }

    private void compile(String... files) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("erlc", "-I", ROOT.resolve("erlang-bridge/include").toString(),
                "-o", ebin.toString()));
        for (String f : files) cmd.add(ROOT.resolve("bench/erlang").resolve(f).toString());
        run(cmd);
    }

    private String erl(String... args) throws Exception {
        Path bridge = ROOT.resolve("erlang-bridge/ebin");
        assertTrue(Files.isRegularFile(bridge.resolve("corral_bridge.app")),
                "erlang-bridge is built (the erlang-bridge module comes before bench in the build): " + bridge);
        List<String> cmd = new ArrayList<>(List.of("erl", "-noshell", "-noinput", "-pa", bridge.toString(),
                "-pa", ROOT.resolve("erlang-bridge/compat-ebin").toString(), "-pa", ebin.toString()));
        cmd.addAll(List.of(args));
        return run(cmd);
    }

    /**
     * Runs {@code cmd} to its end. Its output goes to a file, not a pipe: a crash report larger than the pipe's buffer
     * would otherwise block the process until the timeout, and hide the report.
     */
    private String run(List<String> cmd) throws IOException, InterruptedException {
        Path log = Files.createTempFile(ebin, "out", ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        boolean done = p.waitFor(120, TimeUnit.SECONDS);
        if (!done) p.destroyForcibly().waitFor();
        String out = Files.readString(log, StandardCharsets.UTF_8);
        if (!done) throw new AssertionError("did not finish in 120 s: " + cmd + ": " + out);
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + " failed: " + out);
        return out;
    }
}
