package io.corral.routing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Compiled routes with cowboy_router's matching rules. Immutable and safe to share between event loops.
 *
 * <ul>
 *   <li>Host rules are tried in file order; the first whose host matches decides, even if none of its paths match
 *       (then the answer is 404, not a later host rule), as in Cowboy.</li>
 *   <li>Hosts are lower-cased, lose their port, and are compared right to left by dot-separated labels; a trailing
 *       dot is ignored.</li>
 *   <li>Paths are split on '/', one trailing slash is ignored, each segment is percent-decoded (a '+' stays a
 *       '+'), then "." and ".." segments are removed (RFC 3986 section 5.2.4), as Cowboy 2 does.</li>
 *   <li>A name bound twice, in the host or path or both, must see equal values.</li>
 *   <li>Constraints run after a host or path matched; a failed one moves on to the next rule.</li>
 * </ul>
 *
 * <p>Two deliberate differences from cowboy_router, both where Cowboy's result is accidental: a {@code '_'} host or
 * path with constraints still matches (Cowboy's clauses for {@code '_'} require an empty constraint list, so such a
 * rule silently never matches there), and patterns that can never match are refused when the file is read (see
 * {@link RoutesFile}).
 */
public final class Router {

    private final List<HostRule> hostRules;
    private final List<Route> routes;

    Router(List<HostRule> hostRules) {
        this.hostRules = List.copyOf(hostRules);
        // By identity: alternatives of one pattern share their Route object, while two equal-looking entries in the
        // file are still two routes.
        Set<Route> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Route> all = new ArrayList<>();
        for (HostRule h : this.hostRules) {
            for (PathRule p : h.paths()) {
                if (seen.add(p.route())) all.add(p.route());
            }
        }
        this.routes = List.copyOf(all);
    }

    /** Every route in file order, once each (an optional segment compiles to several rules but is one route). */
    public List<Route> routes() {
        return routes;
    }

    /** The matching route, or empty when Cowboy would answer 400 or 404. */
    public Optional<Match> match(String host, String path) {
        return lookup(host, path) instanceof Match m ? Optional.of(m) : Optional.empty();
    }

    /**
     * Routes a request. {@code host} is the Host header value (a port is allowed and ignored); {@code path} is the
     * request target's path without the query string, still percent-encoded, or "*".
     */
    public Lookup lookup(String host, String path) {
        List<String> hostTokens = splitHost(host);
        // Split lazily: a '_' or "*" route never looks at the segments, so a bad path can still reach it, as in Cowboy.
        PathTokens pathTokens = new PathTokens(path);
        for (HostRule rule : hostRules) {
            Map<String, String> bindings = new LinkedHashMap<>();
            List<String> hostInfo = null;
            if (rule.segments() != null) {
                if (hostTokens == null) continue;
                Captured c = listMatch(hostTokens, rule.segments(), bindings);
                if (c == null) continue;
                if (c.rest() != null) hostInfo = c.rest().reversed();
            }
            if (!constraintsHold(rule.constraints(), bindings)) continue;
            return matchPath(rule, hostInfo, pathTokens, bindings);
        }
        return Lookup.Miss.UNKNOWN_HOST;
    }

    private static Lookup matchPath(HostRule host, List<String> hostInfo, PathTokens path,
                                    Map<String, String> hostBindings) {
        for (PathRule rule : host.paths()) {
            Map<String, String> bindings = new LinkedHashMap<>(hostBindings);
            List<String> pathInfo = null;
            switch (rule.kind()) {
                case ANY -> { }
                case ASTERISK -> {
                    if (!path.raw.equals("*")) continue;
                }
                case SEGMENTS -> {
                    // The asterisk form (OPTIONS *) only ever matches a "*" or '_' route.
                    if (path.raw.equals("*")) continue;
                    List<String> tokens = path.tokens();
                    if (tokens == null) return Lookup.Miss.BAD_PATH;
                    Captured c = listMatch(tokens, rule.segments(), bindings);
                    if (c == null) continue;
                    pathInfo = c.rest();
                }
            }
            if (!constraintsHold(rule.constraints(), bindings)) continue;
            return new Match(rule.route(), decoded(bindings), decoded(hostInfo), decoded(pathInfo));
        }
        return Lookup.Miss.UNKNOWN_PATH;
    }

    private static boolean constraintsHold(List<Constraint> constraints, Map<String, String> bindings) {
        for (Constraint c : constraints) {
            if (!c.apply(bindings)) return false;
        }
        return true;
    }

    private record Captured(List<String> rest) {}

    /** Matches tokens against segments, adding to {@code bindings}; null when they do not match. */
    private static Captured listMatch(List<String> tokens, List<Segment> segments, Map<String, String> bindings) {
        int t = 0;
        for (Segment segment : segments) {
            if (segment == Segment.Wild.REST) return new Captured(tokens.subList(t, tokens.size()));
            if (t == tokens.size()) return null;
            String token = tokens.get(t++);
            switch (segment) {
                case Segment.Literal(String bytes) -> {
                    if (!bytes.equals(token)) return null;
                }
                case Segment.Binding(String name) -> {
                    String seen = bindings.putIfAbsent(name, token);
                    if (seen != null && !seen.equals(token)) return null;
                }
                case Segment.Wild w -> { }
            }
        }
        return t == tokens.size() ? new Captured(null) : null;
    }

    // ---- request splitting ----

    /** Host labels right to left as byte strings, or null for a host Cowboy would refuse (an empty label). */
    static List<String> splitHost(String host) {
        String h = host;
        // cowboy_http parses the port off the Host header before routing; an IPv6 literal keeps its brackets.
        int colon = h.startsWith("[") ? h.indexOf(':', Math.max(h.indexOf(']'), 0)) : h.indexOf(':');
        if (colon >= 0) h = h.substring(0, colon);
        h = bytes(h.toLowerCase(Locale.ROOT));
        if (h.endsWith(".")) h = h.substring(0, h.length() - 1);
        if (h.isEmpty()) return List.of();
        List<String> labels = new ArrayList<>(Arrays.asList(h.split("\\.", -1)));
        if (labels.contains("")) return null;
        return List.copyOf(labels.reversed());
    }

    /** Path segments decoded to byte strings with dot segments removed, or null for a path Cowboy answers 400 to. */
    static List<String> splitPath(String path) {
        if (!path.startsWith("/")) return null;
        List<String> raw = new ArrayList<>(Arrays.asList(path.substring(1).split("/", -1)));
        // "/a/b/" is "/a/b": only the last empty segment goes, so "/a//b" keeps its empty middle one.
        if (raw.getLast().isEmpty()) raw.removeLast();
        List<String> out = new ArrayList<>();
        for (String s : raw) {
            String d = percentDecode(s);
            if (d == null) return null;
            switch (d) {
                case "." -> { }
                case ".." -> {
                    if (!out.isEmpty()) out.removeLast();
                }
                default -> out.add(d);
            }
        }
        return List.copyOf(out);
    }

    /** RFC 3986 section 2.1 decoding of one segment, refusing what is not a pchar, as cow_uri:urldecode/1 does. */
    private static String percentDecode(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length()) return null;
                int hi = hex(s.charAt(i + 1));
                int lo = hex(s.charAt(i + 2));
                if (hi < 0 || lo < 0) return null;
                out.append((char) (hi << 4 | lo));
                i += 2;
            } else if (isPchar(c)) {
                out.append(c);
            } else {
                return null;
            }
        }
        return out.toString();
    }

    private static int hex(char c) {
        // Character.digit would also take non-ASCII digits, which are not hex digits in a URI.
        return c < 128 ? Character.digit(c, 16) : -1;
    }

    private static boolean isPchar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || "-._~!$&'()*+,;=:@".indexOf(c) >= 0;
    }

    /** Text as a byte string: its UTF-8 bytes, one char per byte. */
    static String bytes(String text) {
        return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    private static Map<String, String> decoded(Map<String, String> bindings) {
        Map<String, String> out = new LinkedHashMap<>();
        bindings.forEach((k, v) -> out.put(k, PatternCompiler.utf8(v)));
        return out;
    }

    private static List<String> decoded(List<String> tokens) {
        return tokens == null ? null : tokens.stream().map(PatternCompiler::utf8).toList();
    }

    private static final class PathTokens {
        final String raw;
        private boolean split;
        private List<String> tokens;

        PathTokens(String raw) {
            this.raw = raw;
        }

        List<String> tokens() {
            if (!split) {
                tokens = splitPath(raw);
                split = true;
            }
            return tokens;
        }
    }

    // ---- compiled form, built by RoutesFile ----

    /** A compiled host alternative; {@code segments} right to left, or null for '_'. */
    record HostRule(List<Segment> segments, List<Constraint> constraints, List<PathRule> paths) {
        HostRule {
            segments = segments == null ? null : List.copyOf(segments);
            constraints = List.copyOf(constraints);
            paths = List.copyOf(paths);
        }
    }

    enum PathKind { ANY, ASTERISK, SEGMENTS }

    /** A compiled path alternative; {@code segments} only for {@link PathKind#SEGMENTS}. */
    record PathRule(PathKind kind, List<Segment> segments, List<Constraint> constraints, Route route) {
        PathRule {
            segments = segments == null ? null : List.copyOf(segments);
            constraints = List.copyOf(constraints);
        }
    }

    @Override
    public String toString() {
        return "Router" + routes;
    }
}
