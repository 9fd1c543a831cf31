package io.corral.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code corral compat} against the running Corral: the table on stdout and the report files. */
class CompatCommandTest extends CompatFixture {

    @Test
    void theCommandRunsTheCatalogueAndWritesTheTableJunitXmlAndJson() throws Exception {
        Path dir = Files.createTempDirectory("compat-report");
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code = CompatCommand.run(List.of("--target", url(), "--generation", "2.x", "--prefix", "/erl25",
                        "--only", "^(text_echo|handle_stop_closes_1000|client_close_code_is_echoed|empty_ping_shape_seen_by_handler)$",
                        "--out", dir.toString()),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        String table = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, "every selected scenario passes: " + table + err);
        assertTrue(table.contains("handle_stop_closes_1000") && table.contains("PASS"), "the table names scenarios and results: " + table);
        assertTrue(table.contains("compat: 4 scenarios against ws://127.0.0.1:" + corral.port() + "/erl25 (erl25, 2.x): 4 passed, 0 failed, 0 excluded"),
                "the summary line: " + table);
        String xml = Files.readString(dir.resolve("junit.xml"));
        assertTrue(xml.contains("<testsuite name=\"compat.erl25\" tests=\"4\" failures=\"0\""), "JUnit XML: " + xml);
        assertTrue(xml.contains("<testcase classname=\"compat.erl25.stop\" name=\"handle_stop_closes_1000\""), xml);
        String json = Files.readString(dir.resolve("report.json"));
        assertTrue(json.contains("\"name\": \"client_close_code_is_echoed\"") && json.contains("\"passed\": 4"), "JSON: " + json);
        assertTrue(Files.readString(dir.resolve("report.txt")).contains("4 passed"), "the table is kept too");
    }

    @Test
    void aFailingScenarioMakesTheExitCodeNonZero() throws Exception {
        Path dir = Files.createTempDirectory("compat-report");
        // The Java 1.x routes answer like 1.x; told they are 2.x, the plain request gets 400, not 426.
        int code = CompatCommand.run(List.of("--target", url(), "--generation", "2.x", "--prefix", "/java1", "--flavour", "java2",
                        "--only", "^plain_request_is_426_or_400$", "--out", dir.toString()),
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream()));
        assertEquals(1, code, "a failed scenario is exit code 1");
        assertTrue(Files.readString(dir.resolve("junit.xml")).contains("<failure"), "and a failure in the JUnit XML");
    }
}
