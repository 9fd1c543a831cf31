package io.corral.routing;

import io.corral.config.VersionProfile;
import com.ericsson.otp.erlang.OtpErlangBinary;
import com.ericsson.otp.erlang.OtpErlangList;
import com.ericsson.otp.erlang.OtpErlangString;
import io.corral.api.Term;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.SourceVersion;

/**
 * Reads a routes file: one Erlang term in Cowboy's dispatch format, followed by an optional {@code .}.
 *
 * <pre>{@code
 * [{'_', [
 *     {"/echo", 'io.corral.demo.EchoHandler', #{}},
 *     {"/chat/:room", [{room, nonempty}], chat_handler, []}
 * ]}].
 * }</pre>
 *
 * <p>Accepted shapes, as cowboy_router:compile/1 accepts them: {@code {HostMatch, Paths}} and
 * {@code {HostMatch, Constraints, Paths}}; each path {@code {PathMatch, Handler, Opts}} or
 * {@code {PathMatch, Constraints, Handler, Opts}}. A match is {@code '_'}, a string or a binary. Constraints are a
 * list of {@code {Name, int | nonempty | [int | nonempty, ...]}} or {@code {Name, Constraint, Default}} (the default
 * is for query strings and ignored here, as in Cowboy); a bare atom field is skipped, as in Cowboy. Funs cannot be
 * written in a file, so other constraints are refused with the line they are on.
 */
public final class RoutesFile {

    private final SourceTerms source;

    private RoutesFile(SourceTerms source) {
        this.source = source;
    }

    public static Router parse(Path file) throws IOException, RoutesFileException {
        // file:consult/1 reads UTF-8 by default since OTP 17, so do we.
        String text = Files.readString(file, StandardCharsets.UTF_8);
        return parse(text, file.getFileName().toString());
    }

    public static Router parse(String text, String fileName) throws RoutesFileException {
        SourceTerms source = ErlangTermReader.readOne(text, fileName);
        return new RoutesFile(source).router(source.terms().getFirst());
    }

    /**
     * Routes from terms that came over distribution rather than from a file (a listener started from Erlang:
     * corral_router:routes/1 of its dispatch). They have no lines, so errors name {@code name} and line 0; funs,
     * pids and references in handler options travel untouched.
     */
    public static Router fromTerm(Term routes, String name) throws RoutesFileException {
        return new RoutesFile(new SourceTerms(name, List.of(routes), new java.util.IdentityHashMap<>())).router(routes);
    }

    /**
     * A route given in code ({@code Corral.builder().route(...)}): {@code {Path, Handler, Opts}} under the host match
     * {@code host} ({@code "_"} for any host).
     */
    public record Added(String host, String path, String handler, Term options) {}

    /**
     * The routes of {@code text} followed by routes given in code. A route given in code joins the file's host
     * entry with the same host match (Cowboy stops at the first host that matches, so a separate entry after the
     * file's {@code '_'} would never be reached), after that entry's own paths; otherwise it gets a host entry of
     * its own at the end.
     */
    public static Router parse(String text, String fileName, List<Added> added) throws RoutesFileException {
        SourceTerms source = ErlangTermReader.readOne(text, fileName);
        Term top = source.terms().getFirst();
        if (added.isEmpty()) return new RoutesFile(source).router(top);
        if (!(top.raw() instanceof OtpErlangList)) {
            throw source.error(top, "expected a list of {HostMatch, Paths} tuples but found " + top);
        }
        List<Term> hosts = new ArrayList<>(top.listValue());
        for (Added a : added) {
            Term host = a.host().equals("_") ? Term.atom("_") : Term.binary(a.host());
            Term path = a.path().equals("_") ? Term.atom("_") : Term.binary(a.path());
            Term entry = Term.tuple(path, Term.atom(a.handler()), a.options());
            int at = -1;
            for (int i = 0; i < hosts.size(); i++) {
                Term h = hosts.get(i);
                if (h.isTuple(2) && sameMatch(h.element(0), host) && h.element(1).raw() instanceof OtpErlangList) at = i;
                if (at >= 0) break;
            }
            if (at < 0) {
                hosts.add(Term.tuple(host, Term.list(List.of(entry))));
            } else {
                // The file's path tuples are kept as they are, so their lines still name the file's lines.
                List<Term> paths = new ArrayList<>(hosts.get(at).element(1).listValue());
                paths.add(entry);
                hosts.set(at, Term.tuple(hosts.get(at).element(0), Term.list(paths)));
            }
        }
        return new RoutesFile(source).router(Term.list(hosts));
    }

    private static boolean sameMatch(Term a, Term b) {
        if (a.isAtom("_") || b.isAtom("_")) return a.isAtom("_") && b.isAtom("_");
        String x = matchBytes(a);
        return x != null && x.equals(matchBytes(b));
    }

    private Router router(Term top) throws RoutesFileException {
        if (!(top.raw() instanceof OtpErlangList)) {
            throw source.error(top, "expected a list of {HostMatch, Paths} tuples but found " + top);
        }
        List<Router.HostRule> rules = new ArrayList<>();
        for (Term host : top.listValue()) {
            rules.addAll(hostRules(host, source.lineOf(host, source.lineOf(top))));
        }
        return new Router(rules);
    }

    private List<Router.HostRule> hostRules(Term entry, int line) throws RoutesFileException {
        if (!entry.isTuple(2) && !entry.isTuple(3)) {
            throw error(line, "expected {HostMatch, Paths} or {HostMatch, Constraints, Paths} but found "
                    + describe(entry));
        }
        Term match = entry.element(0);
        Term constraintsTerm = entry.arity() == 3 ? entry.element(1) : Term.list();
        Term paths = entry.element(entry.arity() - 1);
        List<Constraint> constraints = constraints(constraintsTerm, line);
        String hostText = matchText(match, "host", line);
        List<Router.PathRule> pathRules = pathRules(hostText, paths, lineOf(paths, line));
        if (match.isAtom("_")) return List.of(new Router.HostRule(null, constraints, pathRules));
        List<Router.HostRule> out = new ArrayList<>();
        try {
            for (List<Segment> alternative : PatternCompiler.host(matchBytes(match))) {
                out.add(new Router.HostRule(alternative, constraints, pathRules));
            }
        } catch (PatternCompiler.PatternException e) {
            throw error(lineOf(match, line), e.getMessage());
        }
        return out;
    }

    private List<Router.PathRule> pathRules(String hostText, Term paths, int line) throws RoutesFileException {
        if (!(paths.raw() instanceof OtpErlangList)) {
            throw error(line, "expected a list of {PathMatch, Handler, Opts} tuples but found " + describe(paths));
        }
        List<Router.PathRule> out = new ArrayList<>();
        for (Term entry : paths.listValue()) {
            int at = lineOf(entry, line);
            if (!entry.isTuple(3) && !entry.isTuple(4)) {
                throw error(at, "expected {PathMatch, Handler, Opts} or {PathMatch, Constraints, Handler, Opts} but found "
                        + describe(entry));
            }
            int n = entry.arity();
            Term match = entry.element(0);
            List<Constraint> constraints = n == 4 ? constraints(entry.element(1), at) : List.of();
            Term handler = entry.element(n - 2);
            VersionProfile version = null;
            List<String> origins = List.of();
            Term settings = null;
            if (handler.isTuple(2)) {
                // {Handler, #{cowboy_version => V, allowed_origins => [O], max_in_flight => N, send_buffer => N,
                // send_timeout => Ms}}: Corral's per-route settings
                Term map = handler.element(1);
                settings = map;
                int hl = lineOf(handler, at);
                boolean flow = map.isMap() && io.corral.config.FlowLimits.ROUTE_KEYS.stream().anyMatch(k -> map.get(k) != null);
                if (!settings.isMap() || settings.get("cowboy_version") == null && settings.get("allowed_origins") == null
                        && !flow) {
                    throw error(hl, "expected {Handler, #{cowboy_version => '1.0' | '1.1' | '2.0' | '2.latest', "
                            + "allowed_origins => [\"https://example.com\"], max_in_flight => Bytes, send_buffer => Bytes, "
                            + "send_timeout => Ms}} but found " + describe(settings));
                }
                if (settings.get("cowboy_version") != null) version = cowboyVersion(settings, hl);
                if (settings.get("allowed_origins") != null) origins = allowedOrigins(settings.get("allowed_origins"), hl);
                flowLimits(settings, hl);
                handler = handler.element(0);
            }
            Route route = new Route(hostText, matchText(match, "path", at), handlerName(handler, at),
                    entry.element(n - 1), at, version, origins, settings);
            if (match.isAtom("_")) {
                out.add(new Router.PathRule(Router.PathKind.ANY, null, constraints, route));
                continue;
            }
            String bytes = matchBytes(match);
            if (bytes.equals("*")) {
                out.add(new Router.PathRule(Router.PathKind.ASTERISK, null, constraints, route));
                continue;
            }
            try {
                for (List<Segment> alternative : PatternCompiler.path(bytes)) {
                    out.add(new Router.PathRule(Router.PathKind.SEGMENTS, alternative, constraints, route));
                }
            } catch (PatternCompiler.PatternException e) {
                throw error(lineOf(match, at), e.getMessage());
            }
        }
        return out;
    }

    private List<String> allowedOrigins(Term list, int line) throws RoutesFileException {
        if (!list.isList()) throw error(line, "allowed_origins must be a list of origins, found " + describe(list));
        List<String> out = new ArrayList<>();
        for (Term o : list.listValue()) {
            String text = o.isAtom() ? o.atomValue() : o.stringValue();
            try {
                io.corral.config.OriginCheck.validate(text);
            } catch (IllegalArgumentException e) {
                throw error(line, e.getMessage());
            }
            out.add(text);
        }
        return out;
    }

    /** The flow limits a route's settings map may give: positive integers. */
    private void flowLimits(Term settings, int line) throws RoutesFileException {
        for (String key : io.corral.config.FlowLimits.ROUTE_KEYS) {
            Term v = settings.get(key);
            if (v != null && (!v.isInteger() || v.longValue() <= 0)) {
                throw error(line, key + " must be a positive integer but is " + describe(v));
            }
        }
    }

    private VersionProfile cowboyVersion(Term settings, int line) throws RoutesFileException {
        Term v = settings.isMap() ? settings.get("cowboy_version") : null;
        if (v == null || !(v.isAtom() || v.isBinary() || v.isList())) {
            throw error(line, "expected {Handler, #{cowboy_version => '1.0' | '1.1' | '2.0' | '2.latest'}} but found "
                    + describe(settings));
        }
        try {
            return VersionProfile.parse(v.isAtom() ? v.atomValue() : v.stringValue());
        } catch (IllegalArgumentException e) {
            throw error(line, e.getMessage());
        }
    }

    private String handlerName(Term handler, int line) throws RoutesFileException {
        int at = lineOf(handler, line);
        if (!handler.isAtom()) {
            throw error(at, "expected the handler to be an atom (an Erlang module, or a quoted Java class name "
                    + "like 'io.corral.demo.EchoHandler') but found " + describe(handler));
        }
        String name = handler.atomValue();
        if (name.indexOf('.') >= 0 && !SourceVersion.isName(name)) {
            throw error(at, "handler '" + name + "' contains a '.' but is not a valid Java class name");
        }
        if (name.isEmpty()) throw error(at, "the handler atom is empty");
        return name;
    }

    private List<Constraint> constraints(Term fields, int line) throws RoutesFileException {
        int at = lineOf(fields, line);
        if (!(fields.raw() instanceof OtpErlangList)) {
            throw error(at, "expected a list of constraints like [{id, int}] but found " + describe(fields));
        }
        List<Constraint> out = new ArrayList<>();
        for (Term field : fields.listValue()) {
            int fieldLine = lineOf(field, at);
            // cowboy_router skips bare atoms: they name a field without constraining it.
            if (field.isAtom()) continue;
            if ((!field.isTuple(2) && !field.isTuple(3)) || !field.element(0).isAtom()) {
                throw error(fieldLine, "expected a constraint {Name, int | nonempty} but found " + describe(field));
            }
            Term spec = field.element(1);
            List<Term> specs = spec.raw() instanceof OtpErlangList ? spec.listValue() : List.of(spec);
            List<Constraint.Check> checks = new ArrayList<>();
            for (Term s : specs) {
                if (s.isAtom("int")) {
                    checks.add(Constraint.Check.INT);
                } else if (s.isAtom("nonempty")) {
                    checks.add(Constraint.Check.NONEMPTY);
                } else {
                    throw error(lineOf(s, fieldLine), "unsupported constraint " + s
                            + " on '" + field.element(0).atomValue()
                            + "'; a routes file supports int and nonempty (funs cannot be written in a file)");
                }
            }
            out.add(new Constraint(field.element(0).atomValue(), checks));
        }
        return out;
    }

    /** The match as written, for display. */
    private String matchText(Term match, String what, int line) throws RoutesFileException {
        if (match.isAtom("_")) return "_";
        return PatternCompiler.utf8(matchBytesOrFail(match, what, line));
    }

    private String matchBytesOrFail(Term match, String what, int line) throws RoutesFileException {
        String bytes = matchBytes(match);
        if (bytes == null) {
            throw error(lineOf(match, line), "expected the " + what + " match to be '_', a string or a binary but found "
                    + describe(match));
        }
        return bytes;
    }

    /**
     * A match as a byte string (one char per byte), or null when it is not text. A binary is taken byte for byte; a
     * string is taken as UTF-8 text. Cowboy would refuse a string with characters above 255 (iolist_to_binary), but
     * a UTF-8 routes file makes such strings natural, and the UTF-8 bytes are what requests carry.
     */
    private static String matchBytes(Term match) {
        return switch (match.raw()) {
            case OtpErlangBinary b -> new String(b.binaryValue(), StandardCharsets.ISO_8859_1);
            case OtpErlangString s -> Router.bytes(s.stringValue());
            case OtpErlangList l -> {
                try {
                    yield Router.bytes(l.stringValue());
                } catch (Exception notAString) {
                    yield null;
                }
            }
            default -> null;
        };
    }

    private int lineOf(Term t, int fallback) {
        return source.lineOf(t, fallback);
    }

    private RoutesFileException error(int line, String problem) {
        return new RoutesFileException(source.fileName(), line, problem);
    }

    private static String describe(Term t) {
        if (t.isTuple()) return "a tuple of " + t.arity() + " elements: " + t;
        return t.toString();
    }
}
