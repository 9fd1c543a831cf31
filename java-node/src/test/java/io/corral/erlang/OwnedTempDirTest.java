package io.corral.erlang;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The directories a start unpacks erlang-bridge into ({@code corral-bridge-}) and gives the local erl node as its
 * HOME ({@code corral-erl-}): a JVM killed with -9 leaves its own behind, the next start removes them, and never
 * one that a live JVM still holds.
 */
class OwnedTempDirTest {

    @TempDir
    Path tmp;

    @Test
    void aStartRemovesTheDirectoryOfAJvmKilledWithSignal9AndKeepsTheOneOfALiveJvm() throws Exception {
        Holder killed = Holder.start(tmp, "corral-bridge-");
        Files.writeString(killed.dir.resolve("corral_bridge.app"), "{application, corral_bridge, []}.");
        killed.process.destroyForcibly(); // SIGKILL: no shutdown hook runs
        assertTrue(killed.process.waitFor(30, TimeUnit.SECONDS), "the holder died");
        assertTrue(Files.isDirectory(killed.dir), "kill -9 left the directory behind (what a start has to clean)");

        Holder live = Holder.start(tmp, "corral-bridge-");
        // A directory of an older Corral, with no lock file: whose it is cannot be known, so it is kept.
        Path legacy = Files.createDirectory(tmp.resolve("corral-bridge-1234567890"));
        try (OwnedTempDir mine = OwnedTempDir.create(tmp, "corral-bridge-")) {
            assertFalse(Files.exists(killed.dir), "the killed JVM's directory was removed by the start");
            assertFalse(Files.exists(Path.of(killed.dir + ".lock")), "and its lock file with it");
            assertTrue(Files.isDirectory(live.dir), "the live JVM's directory is still there: " + live.dir);
            assertTrue(Files.exists(Path.of(live.dir + ".lock")), "with its lock file");
            assertTrue(Files.isDirectory(legacy), "a directory without a lock file is not taken for a leftover");
            assertTrue(Files.isDirectory(mine.path()), "the start made its own");
            assertTrue(mine.path().getFileName().toString().startsWith("corral-bridge-" + ProcessHandle.current().pid() + "-"),
                    "named with the owner's pid, for whoever lists the directory: " + mine.path());

            assertEquals(List.of(), OwnedTempDir.sweep(tmp, "corral-bridge-"),
                    "another sweep in the same JVM removes nothing: not its own directory, not the live JVM's");
            assertTrue(Files.isDirectory(mine.path()) && Files.isDirectory(live.dir), "both still there");

            live.process.getOutputStream().close(); // a normal exit removes its directory itself
            assertTrue(live.process.waitFor(30, TimeUnit.SECONDS), "the live holder exited");
            assertEquals(0, live.process.exitValue(), "normally");
            assertFalse(Files.exists(live.dir), "a normal exit removes the directory");
            assertFalse(Files.exists(Path.of(live.dir + ".lock")), "and its lock file");
        }
    }

    @Test
    void theOnlyEntriesAStartRemovesAreThoseWithItsOwnPrefix() throws Exception {
        Holder killed = Holder.start(tmp, "corral-erl-");
        killed.process.destroyForcibly();
        assertTrue(killed.process.waitFor(30, TimeUnit.SECONDS), "the holder died");
        assertEquals(List.of(), OwnedTempDir.sweep(tmp, "corral-bridge-"),
                "a sweep of corral-bridge- leaves corral-erl- alone");
        assertTrue(Files.isDirectory(killed.dir), "still there");
        assertEquals(List.of(killed.dir), OwnedTempDir.sweep(tmp, "corral-erl-"), "its own prefix's sweep removes it");
        assertFalse(Files.exists(killed.dir), "gone");
    }

    /** A JVM of its own holding one directory. */
    private record Holder(Process process, Path dir) {
        static Holder start(Path parent, String prefix) throws Exception {
            String java = ProcessHandle.current().info().command().orElse("java");
            Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    OwnedTempDirHolder.class.getName(), parent.toString(), prefix)
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String line = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
            assertTrue(line != null && Files.isDirectory(Path.of(line)), "the holder made its directory: " + line);
            return new Holder(p, Path.of(line));
        }
    }
}
