package io.corral.erlang;

import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import io.corral.api.Term;
import io.corral.connection.ProcessBinding;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real {@code erl} node for tests: {@code erl -sname NAME -setcookie C -noshell -s corral_peer start}, with
 * {@code corral_peer} (src/test/resources/erlang) compiled once into a temp dir. {@link #eval} runs an Erlang
 * expression there (one binding: {@code Args}; any other variable is free, so {@code From} in a pattern binds) and
 * returns its value.
 */
final class ErlangPeer implements AutoCloseable {

    static final String COOKIE = "corral_test_cookie";
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static Path beamDir;

    final String name; // full node name
    private final String shortName;
    private final String cookie;
    private Process process;
    private final java.util.List<String> extraArgs;

    private ErlangPeer(String shortName, String cookie) {
        this(shortName, cookie, java.util.List.of());
    }

    private ErlangPeer(String shortName, String cookie, java.util.List<String> extraArgs) {
        this.shortName = shortName;
        this.cookie = cookie;
        this.extraArgs = java.util.List.copyOf(extraArgs);
        this.name = shortName + "@" + NodeSettings.localHost(false);
    }

    static String uniqueName(String prefix) {
        return prefix + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
    }

    static ErlangPeer start(String prefix) throws IOException {
        return start(prefix, COOKIE);
    }

    static ErlangPeer start(String prefix, String cookie) throws IOException {
        ErlangPeer p = new ErlangPeer(uniqueName(prefix), cookie);
        p.launch();
        return p;
    }

    /** A peer started with more {@code erl} arguments (code paths, {@code -eval} to start applications). */
    static ErlangPeer start(String prefix, String cookie, java.util.List<String> extraArgs) throws IOException {
        ErlangPeer p = new ErlangPeer(uniqueName(prefix), cookie, extraArgs);
        p.launch();
        return p;
    }

    /** The OS process (to kill it without a word: {@code kill -9}). */
    Process process() {
        return process;
    }

    /** Starts the same node name again (after {@link #stop}). */
    void launch() throws IOException {
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of("erl", "-sname", shortName,
                "-setcookie", cookie, "-noshell", "-pa", beams().toString(), "-s", "corral_peer", "start"));
        cmd.addAll(extraArgs);
        process = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.INHERIT)
                .start();
    }

    /** Sends a signal ({@code STOP}, {@code CONT}) to the node's OS process. */
    void signal(String name) throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start().waitFor();
    }

    /** Stops the OS process and waits for it to be gone. */
    void stop() throws InterruptedException {
        if (process == null) return;
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
        process = null;
    }

    /** Waits until the Java node is connected to this peer (it answers through {@code ctl}). */
    void awaitReady(ErlangNode java) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                eval(java, "ok.", Duration.ofSeconds(1));
                return;
            } catch (AssertionError e) {
                if (System.nanoTime() > deadline) throw e;
                Thread.sleep(100);
            }
        }
    }

    Term eval(ErlangNode java, String src, Term... args) throws Exception {
        return eval(java, src, Duration.ofSeconds(20), args);
    }

    /** Evaluates {@code src} on the peer; fails the test with the Erlang error if it raised. */
    Term eval(ErlangNode java, String src, Duration timeout, Term... args) throws Exception {
        QueueSink sink = new QueueSink();
        ProcessBinding self = java.bind(sink);
        try {
            Term ref = Term.integer(COUNTER.incrementAndGet());
            self.send("ctl", name, Term.tuple(Term.atom("eval"), Term.pid(self.pid()), ref, Term.binary(src),
                    Term.list(args)).raw());
            while (true) {
                Term reply = sink.next(timeout);
                if (reply == null) throw new AssertionError("no answer from " + name + " to: " + src);
                if (reply.isTuple(2) && reply.element(0).equals(ref)) {
                    Term r = reply.element(1);
                    if (r.isTagged("ok", 2)) return r.element(1);
                    throw new AssertionError("Erlang raised " + r + " evaluating: " + src);
                }
            }
        } finally {
            self.exit(ErlangNode.NORMAL);
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    private static synchronized Path beams() throws IOException {
        if (beamDir != null) return beamDir;
        Path dir = Files.createTempDirectory("corral-erl");
        dir.toFile().deleteOnExit();
        Path src = dir.resolve("corral_peer.erl");
        try (InputStream in = ErlangPeer.class.getResourceAsStream("/erlang/corral_peer.erl")) {
            Files.copy(in, src);
        }
        try {
            Process erlc = new ProcessBuilder("erlc", "-o", dir.toString(), src.toString()).inheritIO().start();
            if (erlc.waitFor() != 0) throw new IOException("erlc failed on " + src);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        beamDir = dir;
        return dir;
    }

    /** A sink that queues what it is given; the test thread waits on it. */
    static final class QueueSink implements ProcessBinding.Sink {
        final BlockingQueue<Term> messages = new LinkedBlockingQueue<>();
        final BlockingQueue<Term> exits = new LinkedBlockingQueue<>(); // {From, Reason}

        @Override
        public void deliver(OtpErlangObject message) {
            messages.add(Term.of(message));
        }

        @Override
        public void exitSignal(OtpErlangPid from, OtpErlangObject reason) {
            exits.add(Term.tuple(Term.pid(from), Term.of(reason)));
        }

        Term next(Duration timeout) throws InterruptedException {
            return messages.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        Term nextExit(Duration timeout) throws InterruptedException {
            return exits.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
    }
}
