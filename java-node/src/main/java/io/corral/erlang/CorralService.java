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
 * {@code listeners} one map per listener; {@code metrics} the counters the Prometheus endpoint and JMX publish
 * (see {@link #metrics}); anything else {@code {error, unknown_request}}. The reply goes to the
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
        if (request.isAtom("metrics")) return metrics(source.metrics(), node.queueDepths());
        return Term.tuple(Term.atom("error"), Term.atom("unknown_request"));
    }

    /**
     * {@code #{listeners => [#{name, upgrades => #{Status => N}, close_codes_sent => #{Code => N},
     * close_codes_received => #{Code => N}, routes => [#{route, handler, kind, node, connections_open, frames_in,
     * frames_out, bytes_in, bytes_out, crashes, callbacks, callback_us, round_trips, round_trip_us}]}],
     * erlang_queues => #{Node => Depth}}}: the same numbers as {@code /metrics}, as ranch:info/1 gives its own.
     */
    static Term metrics(List<io.corral.connection.ListenerMetrics> listeners, Map<String, Integer> queues) {
        List<Term> ls = new java.util.ArrayList<>();
        for (var l : listeners) {
            List<Term> routes = new java.util.ArrayList<>();
            for (var r : l.routes()) {
                Map<String, Term> m = new LinkedHashMap<>();
                m.put("route", Term.binary(r.route.pathPattern()));
                m.put("handler", Term.binary(r.route.handlerName()));
                m.put("kind", Term.atom(r.kind));
                m.put("node", r.node == null ? Term.atom("undefined") : Term.atom(r.node));
                m.put("connections_open", Term.integer(r.open()));
                m.put("frames_in", Term.integer(r.framesIn()));
                m.put("frames_out", Term.integer(r.framesOut()));
                m.put("bytes_in", Term.integer(r.bytesIn()));
                m.put("bytes_out", Term.integer(r.bytesOut()));
                m.put("crashes", Term.integer(r.crashes()));
                m.put("callbacks", Term.integer(r.callbacks()));
                m.put("callback_us", Term.integer(r.callbackNanos() / 1000));
                m.put("round_trips", Term.integer(r.roundTrips()));
                m.put("round_trip_us", Term.integer(r.roundTripNanos() / 1000));
                routes.add(Term.atomMap(m));
            }
            Map<String, Term> m = new LinkedHashMap<>();
            m.put("name", Term.binary(l.listener()));
            m.put("upgrades", codes(l.upgrades()));
            m.put("close_codes_sent", codes(l.closeCodesSent()));
            m.put("close_codes_received", codes(l.closeCodesReceived()));
            m.put("routes", Term.list(routes));
            ls.add(Term.atomMap(m));
        }
        Map<Term, Term> q = new LinkedHashMap<>();
        queues.forEach((n, d) -> q.put(Term.atom(n), Term.integer(d)));
        Map<String, Term> out = new LinkedHashMap<>();
        out.put("listeners", Term.list(ls));
        out.put("erlang_queues", Term.map(q));
        return Term.atomMap(out);
    }

    private static Term codes(Map<Integer, Long> counts) {
        Map<Term, Term> m = new LinkedHashMap<>();
        counts.forEach((k, v) -> m.put(Term.integer(k), Term.integer(v)));
        return Term.map(m);
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
