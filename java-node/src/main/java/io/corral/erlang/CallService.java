package io.corral.erlang;

import com.ericsson.otp.erlang.OtpErlangAtom;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import com.ericsson.otp.erlang.OtpErlangTuple;
import io.corral.api.Term;
import java.util.function.Function;

/**
 * A registered name that answers {@code gen_server:call({Name, Node}, Request)} with what a function returns, run on
 * a corral-erlang work thread (never JInterface's reader). The reply goes to the caller's pid with its tag as it came,
 * as {@link CorralService} does; anything that is not a call is dropped, as by a gen_server without handle_info.
 */
final class CallService implements LocalProcess {

    private final ErlangNode node;
    private final Function<Term, Term> answer;

    CallService(ErlangNode node, Function<Term, Term> answer) {
        this.node = node;
        this.answer = answer;
    }

    @Override
    public void message(OtpErlangPid from, OtpErlangObject message) {
        if (!(message instanceof OtpErlangTuple t && t.arity() == 3 && t.elementAt(0) instanceof OtpErlangAtom a
                && a.atomValue().equals("$gen_call") && t.elementAt(1) instanceof OtpErlangTuple fromTag
                && fromTag.arity() == 2 && fromTag.elementAt(0) instanceof OtpErlangPid caller)) {
            return;
        }
        OtpErlangObject tag = fromTag.elementAt(1);
        Term request = Term.of(t.elementAt(2));
        node.runWork(() -> {
            Term reply;
            try {
                reply = answer.apply(request);
            } catch (RuntimeException e) {
                // A defined answer rather than a caller left waiting for its timeout.
                reply = Term.tuple(Term.atom("error"), Term.tuple(Term.atom("exception"), Term.binary(String.valueOf(e))));
            }
            node.reply(node.servicePid(), caller, Term.tuple(Term.of(tag), reply).raw());
        });
    }
}
