package io.corral.bridge;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.Corral;
import io.corral.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input at start fails the start with a message that names the culprit, before any socket is opened. */
class StartupErrorsTest {

    @Test
    void aRouteToAMissingErlangModuleFailsNamingTheModuleAndTheNode() {
        Corral.StartException e = assertThrows(Corral.StartException.class, () -> Corral.start(Settings.builder()
                .port(0).routesText("routes", "[{'_', [{\"/x\", no_such_handler_mod, []}]}].").build()));
        assertTrue(e.getMessage().contains("no_such_handler_mod") && e.getMessage().contains("corral_handlers_"),
                "names the module and the node: " + e.getMessage());
    }

    @Test
    void aMalformedRoutesFileFailsNamingTheFileAndLine(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("bad.routes");
        Files.writeString(f, "[{'_', [\n  {\"/x\" 'io.corral.demo.EchoHandler', []}\n]}].\n");
        Corral.StartException e = assertThrows(Corral.StartException.class,
                () -> Corral.start(Settings.builder().port(0).routesFile(f).build()));
        assertTrue(e.getMessage().startsWith("bad.routes:2:"), e.getMessage());
    }

    @Test
    void aMissingJavaHandlerClassFailsNamingTheClass() {
        Corral.StartException e = assertThrows(Corral.StartException.class, () -> Corral.start(Settings.builder()
                .port(0).routesText("routes", "[{'_', [{\"/x\", 'com.example.Nope', []}]}].").build()));
        assertTrue(e.getMessage().contains("com.example.Nope"), e.getMessage());
    }
}
