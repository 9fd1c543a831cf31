package io.corral.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.Corral;
import io.corral.api.Frame;
import io.corral.api.InitResult;
import io.corral.api.PartialRequest;
import io.corral.api.Request;
import io.corral.api.Result;
import io.corral.api.Term;
import io.corral.api.TerminateReason;
import io.corral.api.WebSocketHandler;
import io.corral.wire.WireClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Corral embedded through {@link Corral#builder()}: handlers as objects, the handle's port, listing and close. */
class EmbeddingTest {

    /** A handler with a dependency given to its constructor: every reply counts on the shared counter. */
    static final class Counting implements WebSocketHandler<Void> {
        final AtomicInteger counter;
        final String id;

        Counting(AtomicInteger counter, String id) {
            this.counter = counter;
            this.id = id;
        }

        @Override
        public InitResult<Void> init(Request request, Term options) {
            return InitResult.upgrade(null);
        }

        @Override
        public Result<Void> websocketHandle(Frame frame, Void state) {
            return Result.reply(state, Frame.text(id + " " + counter.incrementAndGet()));
        }
    }

    /** Records how each connection ended. */
    static final class Ending implements WebSocketHandler<Void> {
        final BlockingQueue<TerminateReason> reasons = new LinkedBlockingQueue<>();

        @Override
        public InitResult<Void> init(Request request, Term options) {
            return InitResult.upgrade(null);
        }

        @Override
        public Result<Void> websocketHandle(Frame frame, Void state) {
            return Result.reply(state, frame);
        }

        @Override
        public void terminate(TerminateReason reason, PartialRequest request, Void state) {
            reasons.add(reason);
        }
    }

    static final class Throwing implements WebSocketHandler<Void> {
        @Override
        public InitResult<Void> init(Request request, Term options) {
            return InitResult.upgrade(null);
        }

        @Override
        public Result<Void> websocketHandle(Frame frame, Void state) {
            throw new IllegalStateException("the handler's own bug");
        }
    }

    private static WireClient open(Corral c, String path) throws IOException {
        WireClient w = WireClient.connect("127.0.0.1", c.port(), path);
        assertEquals(101, w.handshake().status(), "the upgrade to " + path + " is accepted");
        w.setReadTimeout(Duration.ofSeconds(20));
        return w;
    }

    private static String roundTrip(WireClient w, String text) throws IOException {
        w.sendText(text);
        return w.readFrame().text();
    }

    @Test
    void handlerObjectsGivenInCodeServeTheirRoutesWithTheDependenciesTheyWereGiven() throws Exception {
        AtomicInteger shared = new AtomicInteger();
        AtomicInteger made = new AtomicInteger();
        try (Corral corral = Corral.builder().port(0)
                .route("/shared", new Counting(shared, "shared"))
                .routeEach("/each", () -> new Counting(new AtomicInteger(), "each" + made.incrementAndGet()))
                .start();
             WireClient a = open(corral, "/shared"); WireClient b = open(corral, "/shared");
             WireClient c = open(corral, "/each"); WireClient d = open(corral, "/each")) {
            assertEquals("shared 1", roundTrip(a, "x"), "one object serves every connection of its route");
            assertEquals("shared 2", roundTrip(b, "x"), "so the second connection sees the first one's count");
            String first = roundTrip(c, "x"), second = roundTrip(d, "x");
            assertTrue(first.endsWith(" 1") && second.endsWith(" 1"), "a supplier gives each connection its own "
                    + "object: " + first + ", " + second);
            assertNotEquals(first, second, "two connections, two objects");
        }
    }

    @Test
    void routesGivenInCodeJoinTheRoutesFilesHostEntry() throws Exception {
        String file = """
                [{'_', [{"/echo", 'io.corral.demo.EchoHandler', []}]}].
                """;
        try (Corral corral = Corral.builder().port(0).routesText("test routes", file)
                .route("/count/:room", new Counting(new AtomicInteger(), "room"))
                .start();
             WireClient echo = open(corral, "/echo"); WireClient room = open(corral, "/count/lobby")) {
            assertEquals("hello", roundTrip(echo, "hello"), "the file's Java class route still serves");
            assertEquals("room 1", roundTrip(room, "x"), "a code route after the file's '_' host is reached, "
                    + "with its :binding pattern");
        }
    }

    @Test
    void theHandleTellsTheBoundPortAndListsItsConnections() throws Exception {
        try (Corral corral = Corral.builder().port(0).route("/e", new Ending()).start();
             WireClient w = open(corral, "/e")) {
            assertTrue(corral.port() > 0, "port(0) binds a real port and the handle says which");
            roundTrip(w, "x");
            var listed = corral.connections();
            assertEquals(1, listed.size(), "one connection is open: " + listed);
            assertEquals("/e", listed.getFirst().path(), "the listing names the path");
            assertEquals(Ending.class.getName(), listed.getFirst().handler(), "and the handler's class");
            assertEquals(1, listed.getFirst().framesIn(), "and counts the frame the client sent");
        }
    }

    @Test
    void closeSendsGoingAwayToEveryConnectionAndRunsTerminate() throws Exception {
        Ending handler = new Ending();
        Corral corral = Corral.builder().port(0).route("/e", handler).start();
        try (WireClient w = open(corral, "/e")) {
            roundTrip(w, "x");
            corral.close();
            WireClient.Frame f = w.readUntilClose();
            assertEquals(1001, f.closeCode(), "a server going down says so (RFC 6455 section 7.4.1): " + f);
            TerminateReason r = handler.reasons.poll(10, TimeUnit.SECONDS);
            assertEquals(TerminateReason.SHUTDOWN, r,
                    "terminate runs with shutdown, the reason Cowboy's supervisor stops a connection with");
        } finally {
            corral.close();
        }
    }

    @Test
    void aPortInUseIsNamedWithItsAddress() throws Exception {
        try (Corral first = Corral.builder().port(0).route("/e", new Ending()).start()) {
            Corral.StartException e = assertThrows(Corral.StartException.class,
                    () -> Corral.builder().port(first.port()).route("/e", new Ending()).start().close());
            assertTrue(e.getMessage().contains("127.0.0.1:" + first.port()), "names address and port: " + e.getMessage());
            assertTrue(e.getMessage().contains("already in use"), "says why: " + e.getMessage());
        }
    }

    @Test
    void aThrowingJavaHandlerIsOneWarnLineWithHandlerCallbackAndConnectionThen1011() throws Exception {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try (Corral corral = Corral.builder().port(0).route("/boom", new Throwing()).start();
             WireClient w = open(corral, "/boom")) {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            w.sendText("x");
            WireClient.Frame f = w.readUntilClose();
            assertEquals(1011, f.closeCode(), "a crash closes with 1011, as Cowboy: " + f);
        } finally {
            System.setErr(err);
        }
        List<String> lines = captured.toString(StandardCharsets.UTF_8).lines().toList();
        List<String> warns = lines.stream().filter(l -> l.contains("WARN") && l.contains("crashed")).toList();
        assertEquals(1, warns.size(), "one WARN line per crash: " + lines);
        String warn = warns.getFirst();
        for (String part : List.of(Throwing.class.getName(), "websocketHandle", "/boom", "127.0.0.1:", "pid",
                "the handler's own bug")) {
            assertTrue(warn.contains(part), "the WARN line names " + part + ": " + warn);
        }
        assertTrue(lines.stream().anyMatch(l -> l.contains("at io.corral.embed.EmbeddingTest$Throwing.websocketHandle")),
                "the stack follows: " + lines);
    }
}
