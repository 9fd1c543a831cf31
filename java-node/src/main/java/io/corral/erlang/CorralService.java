package io.corral.erlang;

import com.ericsson.otp.erlang.OtpErlangAtom;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import com.ericsson.otp.erlang.OtpErlangTuple;
import io.corral.api.Term;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The registered process {@code corral}: a {@code gen_server} as far as callers can tell.
 * {@code gen_server:call({corral, Node}, connections)} answers a list of maps, one per connection;
 * {@code listeners} one map per listener; anything else {@code {error, unknown_request}}. The reply goes to the
 * caller's pid with the caller's tag as it came ({@code [alias|Ref]} from OTP 24+ {@code gen:call}, a plain ref from
 * older ones): a pid send reaches the caller either way, and JInterface cannot send to an alias.
 */
final class CorralService implements LocalProcess {

    private final ErlangNode node;

    CorralService(ErlangNode node) {
        this.node = node;
    }

    @Override
    public void message(OtpErlangPid from, OtpErlangObject message) {
        if (!(message instanceof OtpErlangTuple t && t.arity() == 3 && t.elementAt(0) instanceof OtpErlangAtom a
                && a.atomValue().equals("$gen_call") && t.elementAt(1) instanceof OtpErlangTuple fromTag
                && fromTag.arity() == 2 && fromTag.elementAt(0) instanceof OtpErlangPid caller)) {
            return; // not a call: dropped, as a gen_server without handle_info would log and drop it
        }
        OtpErlangObject tag = fromTag.elementAt(1);
        Term request = Term.of(t.elementAt(2));
        node.runWork(() -> {
            Term reply;
            try {
                reply = answer(request);
            } catch (RuntimeException e) {
                reply = Term.tuple(Term.atom("error"), Term.binary(String.valueOf(e)));
            }
            node.reply(node.servicePid(), caller, Term.tuple(Term.of(tag), reply).raw());
        });
    }

    private Term answer(Term request) {
        Introspection source = node.introspection();
        if (request.isAtom("connections")) {
            return Term.list(source.connections().stream().map(CorralService::connection).toList());
        }
        if (request.isAtom("listeners")) {
            return Term.list(source.listeners().stream().map(CorralService::listener).toList());
        }
        return Term.tuple(Term.atom("error"), Term.atom("unknown_request"));
    }

    static Term connection(Introspection.ConnectionInfo c) {
        Map<String, Term> m = new LinkedHashMap<>();
        m.put("pid", c.pid() == null ? Term.atom("undefined") : Term.pid(c.pid()));
        m.put("path", Term.binary(c.path()));
        m.put("peer", Term.binary(c.peer()));
        m.put("handler", Term.binary(c.handler()));
        m.put("age_ms", Term.integer(c.ageMillis()));
        m.put("frames_in", Term.integer(c.framesIn()));
        m.put("frames_out", Term.integer(c.framesOut()));
        m.put("bytes_in", Term.integer(c.bytesIn()));
        m.put("bytes_out", Term.integer(c.bytesOut()));
        return Term.atomMap(m);
    }

    static Term listener(Introspection.ListenerInfo l) {
        Map<String, Term> m = new LinkedHashMap<>();
        m.put("name", Term.binary(l.name()));
        m.put("address", Term.binary(l.address()));
        m.put("port", Term.integer(l.port()));
        m.put("active_connections", Term.integer(l.activeConnections()));
        m.put("total_connections", Term.integer(l.totalConnections()));
        m.put("refused_connections", Term.integer(l.refusedConnections()));
        return Term.atomMap(m);
    }

}
