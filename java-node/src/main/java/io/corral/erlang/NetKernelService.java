package io.corral.erlang;

import com.ericsson.otp.erlang.OtpErlangAtom;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import com.ericsson.otp.erlang.OtpErlangTuple;

/**
 * The registered name {@code net_kernel} of the Java node, as far as {@code net_adm:ping/1} can tell.
 *
 * <p>{@code net_adm:ping/1} is {@code gen:call({net_kernel, Node}, '$gen_call', {is_auth, node()})}, and
 * {@code gen:call} monitors {@code {net_kernel, Node}} before it sends (OTP 25 {@code gen.erl}, {@code do_call/4}).
 * Because Corral advertises DFLAG_DIST_MONITOR, that monitor reaches the Java node as MONITOR_P; JInterface answers
 * {@code is_auth} from a built-in special case that is no registered name, so the monitor used to be answered with
 * {@code 'DOWN'} {@code noproc}. Whichever of that 'DOWN' and JInterface's {@code yes} reached the caller first
 * decided the ping: about half of all fresh nodes got {@code pang}, and {@code net_adm:ping} then calls
 * {@code erlang:disconnect_node/1}, which Corral saw as the node connecting and leaving within a millisecond.
 * Registered under the name, the monitor is accepted (it fires only with the connection) and the reply follows.
 */
final class NetKernelService implements LocalProcess {

    static final String NAME = "net_kernel";
    private static final OtpErlangAtom YES = new OtpErlangAtom("yes");

    private final ErlangNode node;

    NetKernelService(ErlangNode node) {
        this.node = node;
    }

    @Override
    public void message(OtpErlangPid from, OtpErlangObject message) {
        // {'$gen_call', {Caller, Tag}, {is_auth, Node}}: net_kernel's own handle_call answers yes to any node that
        // got through the handshake (net_kernel.erl, handle_call({is_auth, _Node}, ...)). The tag goes back as it
        // came ([alias|Ref] from OTP 24+), to the caller's pid: see CorralService.
        if (message instanceof OtpErlangTuple t && t.arity() == 3 && t.elementAt(0) instanceof OtpErlangAtom a
                && a.atomValue().equals("$gen_call") && t.elementAt(1) instanceof OtpErlangTuple fromTag
                && fromTag.arity() == 2 && fromTag.elementAt(0) instanceof OtpErlangPid caller
                && t.elementAt(2) instanceof OtpErlangTuple req && req.arity() == 2
                && req.elementAt(0) instanceof OtpErlangAtom r && r.atomValue().equals("is_auth")) {
            node.reply(node.servicePid(), caller, new OtpErlangTuple(new OtpErlangObject[] {fromTag.elementAt(1), YES}));
        }
        // Any other request is dropped: the Java node has no net_kernel to ask for anything else.
    }
}
