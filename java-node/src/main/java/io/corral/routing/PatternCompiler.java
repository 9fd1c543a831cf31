package io.corral.routing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Turns one host or path pattern into the token lists it stands for, following cowboy_router's compile rules:
 * empty segments are dropped (so {@code "/a/b/"} is {@code "/a/b"}), {@code :name} at the start of a segment is a
 * binding and {@code :_} a wildcard, a colon elsewhere is literal, {@code [...]} captures the rest, and each
 * optional {@code [x]} doubles the alternatives, the one without it first (Cowboy's order).
 *
 * <p>Where Cowboy would silently compile something that can never match (a {@code [...]} that is not at the end,
 * an upper-case host, a host with a port), this refuses it with a {@link PatternException} instead.
 */
final class PatternCompiler {

    private static final String REST = "[...]";

    private PatternCompiler() {}

    /** A pattern problem without a file position; the caller knows the line. */
    static final class PatternException extends Exception {
        PatternException(String message) {
            super(message);
        }
    }

    /** A path pattern as a byte string, starting with '/'; the token lists its alternatives stand for. */
    static List<List<Segment>> path(String bytes) throws PatternException {
        if (!bytes.startsWith("/")) throw new PatternException("path pattern \"" + show(bytes) + "\" must begin with '/'");
        List<List<Segment>> out = new ArrayList<>();
        for (String alternative : expand(bytes, '/')) {
            List<Segment> segments = tokens(alternative, '/');
            int rest = segments.indexOf(Segment.Wild.REST);
            if (rest >= 0 && rest != segments.size() - 1) {
                throw new PatternException("'[...]' must come last in path pattern \"" + show(bytes) + "\"");
            }
            out.add(List.copyOf(segments));
        }
        return List.copyOf(out);
    }

    /** A host pattern, as byte string; each result is right to left (top-level domain first), as Cowboy matches. */
    static List<List<Segment>> host(String bytes) throws PatternException {
        List<List<Segment>> out = new ArrayList<>();
        for (String alternative : expand(bytes, '.')) {
            List<Segment> segments = tokens(alternative, '.');
            int rest = segments.indexOf(Segment.Wild.REST);
            if (rest > 0) {
                throw new PatternException("'[...]' must come first in host pattern \"" + show(bytes) + "\"");
            }
            for (Segment s : segments) {
                if (s instanceof Segment.Literal(String lit)) {
                    // cowboy_http lower-cases the Host header and cuts its port before routing, so a pattern with
                    // either can never match; say so now rather than serve 400s later.
                    if (lit.contains(":")) {
                        throw new PatternException("host pattern \"" + show(bytes)
                                + "\" has a port; hosts are matched without their port, remove it");
                    }
                    if (!lit.equals(lit.toLowerCase(java.util.Locale.ROOT))) {
                        throw new PatternException("host pattern \"" + show(bytes)
                                + "\" has upper-case letters; hosts are lower-cased before matching, so write it in lower case");
                    }
                }
            }
            Collections.reverse(segments);
            out.add(List.copyOf(segments));
        }
        return List.copyOf(out);
    }

    /** Expands the first optional bracket (not {@code [...]}) into without-it then with-it, recursively. */
    private static List<String> expand(String p, char sep) throws PatternException {
        int open = -1;
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            if (c == '[' && p.startsWith(REST, i)) {
                i += REST.length() - 1;
            } else if (c == '[') {
                open = i;
                break;
            } else if (c == ']') {
                throw new PatternException("']' without a matching '[' in \"" + show(p) + "\"");
            }
        }
        if (open < 0) return List.of(p);
        boolean atSegmentStart = open == 0 || p.charAt(open - 1) == sep;
        boolean beforeSeparator = open + 1 < p.length() && p.charAt(open + 1) == sep;
        if (!atSegmentStart && !beforeSeparator) {
            throw new PatternException("'[' in the middle of a segment in \"" + show(p)
                    + "\"; an optional part starts a segment or starts with '" + sep + "'");
        }
        int depth = 0;
        int close = -1;
        for (int i = open + 1; i < p.length() && close < 0; i++) {
            char c = p.charAt(i);
            if (c == '[') depth++;
            else if (c == ']' && depth > 0) depth--;
            else if (c == ']') close = i;
        }
        if (close < 0) throw new PatternException("'[' without a matching ']' in \"" + show(p) + "\"");
        String prefix = p.substring(0, open);
        String inside = p.substring(open + 1, close);
        String after = p.substring(close + 1);
        List<String> out = new ArrayList<>(expand(prefix + after, sep));
        out.addAll(expand(prefix + inside + after, sep));
        return out;
    }

    /** Splits one bracket-free alternative into segments (in written order). */
    private static List<Segment> tokens(String p, char sep) throws PatternException {
        List<Segment> out = new ArrayList<>();
        int i = 0;
        int n = p.length();
        while (i < n) {
            char c = p.charAt(i);
            if (c == sep) {
                i++;
            } else if (p.startsWith(REST, i)) {
                out.add(Segment.Wild.REST);
                i += REST.length();
            } else if (c == ':') {
                int end = i + 1;
                while (end < n && p.charAt(end) != sep && p.charAt(end) != '[' && p.charAt(end) != ']') end++;
                String name = p.substring(i + 1, end);
                if (name.isEmpty()) throw new PatternException("':' without a binding name in \"" + show(p) + "\"");
                out.add(name.equals("_") ? Segment.Wild.ANY_ONE : new Segment.Binding(utf8(name)));
                i = end;
                if (i < n && p.charAt(i) != sep && !p.startsWith(REST, i)) {
                    throw new PatternException("binding ':" + utf8(name) + "' must end its segment in \"" + show(p) + "\"");
                }
            } else {
                int end = i;
                while (end < n && p.charAt(end) != sep && p.charAt(end) != '[') {
                    if (p.charAt(end) == ']') {
                        throw new PatternException("']' without a matching '[' in \"" + show(p) + "\"");
                    }
                    end++;
                }
                if (end < n && p.charAt(end) == '[' && !p.startsWith(REST, end)) {
                    throw new PatternException("'[' in the middle of a segment in \"" + show(p) + "\"");
                }
                out.add(new Segment.Literal(p.substring(i, end)));
                i = end;
            }
        }
        return out;
    }

    /** A byte string read back as UTF-8 text, for names and messages. */
    static String utf8(String bytes) {
        return new String(bytes.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }

    private static String show(String bytes) {
        return utf8(bytes);
    }
}
