package io.corral.bridge;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * An {@code erl} handler node for tests, {@code erl -noshell -sname NAME -setcookie C -pa ...} starting erlang-bridge,
 * that tells when its boot is over: {@link #start} returns once the node has printed that {@code corral_bridge} is
 * started, the node's output going on to the test's.
 *
 * <p>Waiting for the node's name in epmd is not enough: erl registers there early in its boot, and a Corral that
 * dialled it at once (an accepted handshake the booting node did not answer for 15 s and more, the acceptor held up
 * with it) failed its start 2 times in 60 in one repeated run on a loaded machine.
 */
final class BridgeNode {
    private static final String STARTED = "corral_bridge started on ";

    private BridgeNode() {}

    /** Starts the node and waits (at most 30 s) until erlang-bridge runs there. */
    static Process start(String name, String cookie, List<Path> codePaths) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("erl", "-noshell", "-sname", name, "-setcookie", cookie));
        for (Path p : codePaths) cmd.addAll(List.of("-pa", p.toString()));
        cmd.addAll(List.of("-eval", "{ok, _} = application:ensure_all_started(corral_bridge), "
                + "io:format(\"" + STARTED + "~s~n\", [node()])."));
        Process erl = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        CountDownLatch started = new CountDownLatch(1);
        Thread.ofPlatform().daemon().name("erl " + name).start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(erl.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    System.out.println(line);
                    if (line.startsWith(STARTED)) started.countDown();
                }
            } catch (IOException e) {
                // the node is gone: start() times out or the test sees it go
            }
        });
        if (!started.await(30, TimeUnit.SECONDS)) {
            erl.destroyForcibly();
            throw new AssertionError("erlang-bridge did not start on " + name + " within 30 s");
        }
        return erl;
    }
}
