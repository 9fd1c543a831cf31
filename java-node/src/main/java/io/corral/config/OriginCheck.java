package io.corral.config;

import java.util.List;
import java.util.Locale;

/**
 * Which {@code Origin} (RFC 6454, sent by browsers on every WebSocket upgrade, RFC 6455 section 4.1 item 8) may
 * upgrade. A pattern is an exact origin ({@code https://chat.example.com}, {@code http://localhost:8080}) or a
 * subdomain wildcard ({@code https://*.example.com}: any subdomain of example.com, at any depth, not example.com
 * itself, same scheme and port). An empty list means no check, as Cowboy, which has none. When a list is set, a
 * request without {@code Origin} is refused as well: only the listed origins pass.
 */
public final class OriginCheck {
    private OriginCheck() {}

    /** Throws when {@code pattern} is not {@code scheme://host[:port]} or {@code scheme://*.domain[:port]}. */
    public static void validate(String pattern) {
        int sep = pattern.indexOf("://");
        String rest = sep > 0 ? pattern.substring(sep + 3) : "";
        String host = rest.startsWith("*.") ? rest.substring(2) : rest;
        if (sep <= 0 || host.isEmpty() || host.contains("/") || host.contains("*") || pattern.endsWith(":")) {
            throw new IllegalArgumentException("origin '" + pattern
                    + "' must be scheme://host[:port] or scheme://*.domain[:port], e.g. https://*.example.com");
        }
    }

    /** Whether {@code origin} (the request's header, or null) may upgrade under {@code patterns}. */
    public static boolean allowed(List<String> patterns, String origin) {
        if (patterns.isEmpty()) return true;
        if (origin == null) return false;
        String o = origin.trim().toLowerCase(Locale.ROOT);
        for (String p : patterns) {
            String q = p.toLowerCase(Locale.ROOT);
            int sep = q.indexOf("://");
            if (q.startsWith("*.", sep + 3)) {
                String scheme = q.substring(0, sep + 3);
                String suffix = q.substring(sep + 4); // ".example.com[:port]"
                if (o.startsWith(scheme) && o.endsWith(suffix) && o.length() > scheme.length() + suffix.length()) {
                    String sub = o.substring(scheme.length(), o.length() - suffix.length());
                    // a subdomain label run: no port, path or user info sneaked in before the suffix
                    if (sub.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '-' || c == '.')) return true;
                }
            } else if (o.equals(q)) {
                return true;
            }
        }
        return false;
    }
}
