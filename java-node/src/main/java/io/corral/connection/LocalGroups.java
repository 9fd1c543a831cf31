package io.corral.connection;

import com.ericsson.otp.erlang.OtpErlangObject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Named groups of this JVM's connections ({@code Connection.joinLocal}), shared by every listener of the JVM, with
 * pg's shape (scope, group). Membership is a set: joining twice is one membership. A connection whose process ends
 * leaves all its groups, as pg drops a process that exits.
 *
 * <p>Hand-written because pg lives on a BEAM node and these groups must work without one (a Java-only server);
 * the pg groups Erlang code sees are {@code Connection.join(scope, group)} ({@code erlang.Groups}).
 */
public final class LocalGroups {
    private static final Map<String, Map<String, Set<ConnectionProcess>>> SCOPES = new ConcurrentHashMap<>();

    /** The scope of {@code Connection.joinLocal}: one per JVM; kept as a key so more can come. */
    public static final String SCOPE = "local";

    private LocalGroups() {}

    static void join(String scope, String group, ConnectionProcess member) {
        SCOPES.computeIfAbsent(scope, s -> new ConcurrentHashMap<>())
                .computeIfAbsent(group, g -> ConcurrentHashMap.newKeySet()).add(member);
    }

    static void leave(String scope, String group, ConnectionProcess member) {
        Map<String, Set<ConnectionProcess>> groups = SCOPES.get(scope);
        if (groups == null) return;
        // Removed under the map's lock for this key, so an empty group disappears without racing a join.
        groups.computeIfPresent(group, (g, members) -> {
            members.remove(member);
            return members.isEmpty() ? null : members;
        });
    }

    /** Delivers {@code message} to every member's mailbox (each runs its handler's info callback); returns how many. */
    public static int send(String scope, String group, OtpErlangObject message) {
        List<ConnectionProcess> members = members(scope, group);
        for (ConnectionProcess m : members) m.deliver(message);
        return members.size();
    }

    /** The members now (a snapshot). */
    public static List<ConnectionProcess> members(String scope, String group) {
        Map<String, Set<ConnectionProcess>> groups = SCOPES.get(scope);
        Set<ConnectionProcess> members = groups == null ? null : groups.get(group);
        return members == null ? List.of() : List.copyOf(members);
    }

    /** The groups of {@code scope} that have members now. */
    public static Set<String> groups(String scope) {
        Map<String, Set<ConnectionProcess>> groups = SCOPES.get(scope);
        return groups == null ? Set.of() : Set.copyOf(groups.keySet());
    }
}
