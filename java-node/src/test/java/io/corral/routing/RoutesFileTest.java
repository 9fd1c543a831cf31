package io.corral.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Validation of the routes file: every error names the file and the line of the offending value. */
class RoutesFileTest {

    private static String error(String text) {
        return assertThrows(RoutesFileException.class, () -> RoutesFile.parse(text, "routes.conf")).getMessage();
    }

    @Test
    void parsesAFileFromDiskAndNamesItInErrors(@TempDir Path dir) throws Exception {
        Path ok = dir.resolve("routes.conf");
        Files.writeString(ok, "%% demo\n[{'_', [{\"/echo\", 'io.corral.demo.EchoHandler', []}]}].\n");
        assertTrue(RoutesFile.parse(ok).match("localhost", "/echo").isPresent());
        Path bad = dir.resolve("bad.conf");
        Files.writeString(bad, "[{'_', [{\"echo\", h, []}]}].\n");
        RoutesFileException e = assertThrows(RoutesFileException.class, () -> RoutesFile.parse(bad));
        assertEquals("bad.conf", e.fileName());
        assertEquals(1, e.line());
        assertEquals("path pattern \"echo\" must begin with '/'", e.problem());
    }

    @Test
    void aRouteNamesTheCowboyVersionItReproducesAndAnUnknownVersionNamesItsLine() throws Exception {
        Router r = RoutesFile.parse("[{'_', [{\"/a\", {m, #{cowboy_version => '1.0'}}, []}]}].", "routes.conf");
        assertEquals(io.corral.config.VersionProfile.V1_0, r.routes().getFirst().cowboyVersion());
        assertEquals("m", r.routes().getFirst().handlerName());
        assertTrue(error("[{'_', [\n{\"/a\", {m, #{cowboy_version => '3.0'}}, []}]}].")
                .startsWith("routes.conf:2: unknown Cowboy version profile '3.0'"));
    }

    @Test
    void pathNotStartingWithSlashNamesItsLine() {
        assertEquals("routes.conf:3: path pattern \"echo\" must begin with '/'",
                error("[{'_', [\n {\"/ok\", h, []},\n {\"echo\", h, []}\n]}]."));
    }

    @Test
    void handlerThatIsNotAnAtomIsRefused() {
        assertTrue(error("[{'_', [\n  {\"/a\",\n   \"handler\", []}]}].")
                .startsWith("routes.conf:3: expected the handler to be an atom"));
    }

    @Test
    void handlerWithADotMustBeAJavaClassName() {
        assertEquals("routes.conf:1: handler 'io.corral.' contains a '.' but is not a valid Java class name",
                error("[{'_', [{\"/a\", 'io.corral.', []}]}]."));
    }

    @Test
    void wrongPathTupleArityIsRefused() {
        assertEquals("routes.conf:2: expected {PathMatch, Handler, Opts} or {PathMatch, Constraints, Handler, Opts} "
                        + "but found a tuple of 2 elements: {\"/a\",h}",
                error("[{'_', [\n {\"/a\", h}]}]."));
    }

    @Test
    void wrongHostTupleArityIsRefused() {
        assertTrue(error("[\n{'_'}].").startsWith(
                "routes.conf:2: expected {HostMatch, Paths} or {HostMatch, Constraints, Paths} but found a tuple of 1"));
    }

    @Test
    void topLevelMustBeAList() {
        assertTrue(error("\n{'_', []}.").startsWith("routes.conf:2: expected a list of {HostMatch, Paths} tuples"));
    }

    @Test
    void pathsMustBeAList() {
        assertTrue(error("[{'_',\n  foo}].").startsWith("routes.conf:2: expected a list of {PathMatch, Handler, Opts}"));
    }

    @Test
    void matchMustBeUnderscoreStringOrBinary() {
        assertEquals("routes.conf:1: expected the host match to be '_', a string or a binary but found any",
                error("[{any, [{\"/a\", h, []}]}]."));
        assertEquals("routes.conf:2: expected the path match to be '_', a string or a binary but found 42",
                error("[{'_', [\n{42, h, []}]}]."));
    }

    @Test
    void unsupportedConstraintIsRefusedWithTheSupportedList() {
        assertEquals("routes.conf:2: unsupported constraint positive on 'id'; a routes file supports int and "
                        + "nonempty (funs cannot be written in a file)",
                error("[{'_', [{\"/u/:id\",\n [{id, positive}], h, []}]}]."));
        assertTrue(error("[{'_', [{\"/u/:id\", [\"id\"], h, []}]}].")
                .startsWith("routes.conf:1: expected a constraint {Name, int | nonempty}"));
        assertTrue(error("[{'_', [{\"/u/:id\", int, h, []}]}].")
                .startsWith("routes.conf:1: expected a list of constraints"));
    }

    @Test
    void malformedPatternsAreRefused() {
        assertEquals("routes.conf:1: '[' without a matching ']' in \"/a/[:b\"", error("[{'_', [{\"/a/[:b\", h, []}]}]."));
        assertEquals("routes.conf:1: ']' without a matching '[' in \"/a/b]\"", error("[{'_', [{\"/a/b]\", h, []}]}]."));
        assertTrue(error("[{'_', [{\"/a/b[c]\", h, []}]}].").startsWith("routes.conf:1: '[' in the middle of a segment"));
        assertEquals("routes.conf:1: ':' without a binding name in \"/a/:\"", error("[{'_', [{\"/a/:\", h, []}]}]."));
    }

    @Test
    void restMustBeAtTheEndOfAPathAndTheStartOfAHost() {
        assertEquals("routes.conf:2: '[...]' must come last in path pattern \"/a/[...]/b\"",
                error("[{'_', [\n{\"/a/[...]/b\", h, []}]}]."));
        assertEquals("routes.conf:1: '[...]' must come first in host pattern \"example.[...].org\"",
                error("[{\"example.[...].org\", [{'_', h, []}]}]."));
    }

    @Test
    void hostPatternsThatCanNeverMatchAreRefused() {
        assertTrue(error("[{\"example.org:8080\", [{'_', h, []}]}].")
                .startsWith("routes.conf:1: host pattern \"example.org:8080\" has a port"));
        assertTrue(error("[{\"Example.org\", [{'_', h, []}]}].")
                .startsWith("routes.conf:1: host pattern \"Example.org\" has upper-case letters"));
    }

    @Test
    void syntaxErrorsKeepTheirFileLinePrefix() {
        assertEquals("routes.conf:7: expected ',' or '}' but found '{'",
                error("[\n{'_',\n [\n  {\"/a\", h, []},\n  {\"/b\", h, []}\n ]\n {\n]"));
    }

    @Test
    void binaryAndStringPatternsAreEquivalentForAscii() throws Exception {
        Router r = RoutesFile.parse("[{<<\"example.org\">>, [{<<\"/a/:x\">>, h, []}]}]", "routes.conf");
        assertEquals("example.org", r.routes().getFirst().hostPattern());
        assertTrue(r.match("example.org", "/a/1").isPresent());
    }
}
