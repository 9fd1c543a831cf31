package io.corral.erlang.bench;

import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import io.corral.api.Term;
import io.corral.connection.ProcessBinding;
import io.corral.erlang.ErlangNode;
import io.corral.erlang.ErlangPeerAccess;
import io.corral.erlang.NodeSettings;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Message rates through the hidden node against an Erlang->Erlang baseline measured in the same run.
 * Run after {@code mvn -pl java-node -am test-compile}, with the test classes, the installed OtpErlang.jar and slf4j on
 * the class path: {@code java -cp java-node/target/classes:java-node/target/test-classes:$CORRAL_JINTERFACE_JAR:SLF4J_JARS io.corral.erlang.bench.DistributionBench [N]}
 */
public final class DistributionBench {

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        try (ErlangNode java = ErlangNode.start(NodeSettings.builder("bench" + ProcessHandle.current().pid())
                .cookie(ErlangPeerAccess.COOKIE).build());
             ErlangPeerAccess erl = ErlangPeerAccess.start("benchpeer")) {
            erl.awaitReady(java);
            for (int round = 0; round < 3; round++) {
                // Erlang -> Java: push delivery into a counting sink.
                AtomicLong count = new AtomicLong();
                CountDownLatch done = new CountDownLatch(1);
                ProcessBinding in = java.bind(new ProcessBinding.Sink() {
                    @Override
                    public void deliver(OtpErlangObject message) {
                        if (count.incrementAndGet() == n) done.countDown();
                    }

                    @Override
                    public void exitSignal(OtpErlangPid from, OtpErlangObject reason) {}
                });
                long t0 = System.nanoTime();
                erl.eval(java, "[P] = Args, corral_peer:blast(P, " + n + ", P).", Term.pid(in.pid()));
                done.await(120, TimeUnit.SECONDS);
                double e2j = n / ((System.nanoTime() - t0) / 1e9);
                in.exit(new com.ericsson.otp.erlang.OtpErlangAtom("normal"));

                // Java -> Erlang: one sender thread, a counting Erlang process.
                LinkedBlockingQueue<Term> replies = new LinkedBlockingQueue<>();
                ProcessBinding out = java.bind(new ProcessBinding.Sink() {
                    @Override
                    public void deliver(OtpErlangObject message) {
                        replies.add(Term.of(message));
                    }

                    @Override
                    public void exitSignal(OtpErlangPid from, OtpErlangObject reason) {}
                });
                Term sink = erl.eval(java, "[P] = Args, spawn(corral_peer, sink, [" + n + ", P]).",
                        Term.pid(out.pid()));
                OtpErlangPid to = sink.pidValue();
                OtpErlangObject msg = Term.tuple(Term.atom("n"), Term.integer(1)).raw();
                t0 = System.nanoTime();
                for (int i = 0; i < n; i++) out.send(to, msg);
                replies.poll(120, TimeUnit.SECONDS);
                double j2e = n / ((System.nanoTime() - t0) / 1e9);
                out.exit(new com.ericsson.otp.erlang.OtpErlangAtom("normal"));

                // Erlang -> Erlang across two nodes on this machine.
                long us = erl.eval(java, "corral_peer:e2e(" + n + ").").longValue();
                double e2e = n / (us / 1e6);
                System.out.printf("round %d: Erlang->Java %.0f msg/s, Java->Erlang %.0f msg/s, Erlang->Erlang %.0f msg/s%n",
                        round, e2j, j2e, e2e);
            }
        }
    }
}
