package io.corral.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The bundled {@code cowboy_req} stand-in (erlang-bridge/compat/cowboy_req.erl) answers as real Cowboy's does: every
 * function it exports is called with the same arguments on the same Req (built by erlang-bridge's
 * {@code corral_bridge_req}) in two erl processes, one where {@code cowboy_req} is real Cowboy's and one where it is
 * the stand-in, and the answers (return value or raised class, messages sent, the 1.x reply hook) are compared call by
 * call. 2.x map Reqs against Cowboy 2.17.0, 1.x record Reqs against Cowboy 1.1.2. The calls are in
 * {@code src/test/erlang/cowboy_req_probe.erl}; a function exported without a case there fails the test.
 */
class CowboyReqStandInTest {

    @Test
    void theStandInAnswersEveryCallOnATwoXReqAsCowboy217Does() throws Exception {
        compare("2.x", RealCowboy.Version.V2_17);
    }

    @Test
    void theStandInAnswersEveryCallOnAOneXReqAsCowboy112Does() throws Exception {
        compare("1.x", RealCowboy.Version.V1_1);
    }

    private static void compare(String generation, RealCowboy.Version version) throws Exception {
        RealCowboy.assumeSources();
        Path bridge = RealCowboy.repository().resolve("erlang-bridge");
        Path standIn = bridge.resolve("compat-ebin/cowboy_req.beam");
        assertTrue(Files.exists(standIn) && Files.exists(bridge.resolve("ebin/corral_bridge_req.beam")),
                "erlang-bridge is built (its compile phase, or ./corral build): " + standIn);
        Path probe = compileProbe(bridge);
        List<String> realPath = new ArrayList<>();
        for (Path p : RealCowboy.ebins(version)) realPath.add(p.toString());
        realPath.add(bridge.resolve("ebin").toString());
        realPath.add(probe.toString());
        Map<String, String> real = run(generation, standIn, realPath, probe.resolve("real-" + generation + ".txt"));
        Map<String, String> stand = run(generation, standIn,
                List.of(bridge.resolve("ebin").toString(), bridge.resolve("compat-ebin").toString(), probe.toString()),
                probe.resolve("standin-" + generation + ".txt"));

        assertTrue(real.get("which").contains("/" + version.dir + "/cowboy/ebin/"),
                "the first node runs real Cowboy's cowboy_req: " + real.get("which"));
        assertTrue(stand.get("which").startsWith(bridge.resolve("compat-ebin").toString()),
                "the second node runs the stand-in: " + stand.get("which"));
        real.remove("which");
        stand.remove("which");
        List<String> noCase = stand.entrySet().stream().filter(e -> e.getValue().equals("no_case")).map(Map.Entry::getKey).toList();
        assertEquals(List.of(), noCase, "every exported function of the stand-in has calls in cowboy_req_probe");
        assertTrue(stand.size() > 50, "the probe made its calls: " + stand.size());
        assertEquals(real.keySet(), stand.keySet(), "the same calls were made on both");
        List<String> differ = new ArrayList<>();
        real.forEach((call, answer) -> {
            if (!answer.equals(stand.get(call))) {
                differ.add(call + "\n    Cowboy " + version.dir + ": " + answer + "\n    stand-in: " + stand.get(call));
            }
        });
        assertEquals(List.of(), differ, "calls the stand-in answers differently from real Cowboy " + version.dir
                + ":\n" + String.join("\n", differ));
    }

    private static Path compileProbe(Path bridge) throws IOException, InterruptedException {
        Path out = Path.of("target/cowboy-req-probe").toAbsolutePath();
        Files.createDirectories(out);
        exec(List.of("erlc", "-Wall", "-I", bridge.resolve("include").toString(), "-o", out.toString(),
                Path.of("src/test/erlang/cowboy_req_probe.erl").toAbsolutePath().toString()));
        return out;
    }

    /** One line per call, "F/A#N answer", keyed by the call. */
    private static Map<String, String> run(String generation, Path standIn, List<String> codePath, Path out)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("erl", "-noshell"));
        for (String p : codePath) cmd.addAll(List.of("-pa", p));
        cmd.addAll(List.of("-eval", "cowboy_req_probe:main([\"" + generation + "\", \"" + standIn + "\", \"" + out + "\"])"));
        Files.deleteIfExists(out);
        exec(cmd);
        Map<String, String> calls = new LinkedHashMap<>();
        for (String line : Files.readAllLines(out)) {
            int sp = line.indexOf(' ');
            calls.put(line.substring(0, sp), line.substring(sp + 1));
        }
        return calls;
    }

    private static void exec(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(2, TimeUnit.MINUTES), "finished: " + cmd);
        assertEquals(0, p.exitValue(), () -> cmd + " failed:\n" + output);
    }
}
