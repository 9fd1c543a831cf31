package io.corral.compat;

import io.corral.Corral;
import io.corral.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;

/**
 * One Corral for the test JVM, serving compat-tests/routes/corral.routes (every flavour under its prefix) with the
 * Erlang compat modules, compiled to target/ebin by the build, on the embedded local Erlang node's code path.
 */
public abstract class CompatFixture {
    protected static Corral corral;

    @BeforeAll
    static void startCorral() throws Exception {
        if (corral != null) return;
        Path ebin = Path.of("target/ebin").toAbsolutePath();
        if (!Files.exists(ebin.resolve("compat_ws_cmd.beam"))) {
            throw new IllegalStateException(ebin + " has no compat modules: the compile phase runs erlc");
        }
        corral = Corral.start(Settings.builder().port(0).routesFile(Path.of("routes/corral.routes"))
                .codePaths(List.of(ebin)).build());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> corral.close()));
    }

    protected static String url() {
        return "ws://127.0.0.1:" + corral.port();
    }
}
