package io.corral.connection;

import com.ericsson.otp.erlang.OtpErlangObject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One Corral's index of group members: for each pg group (a scope and any term) its connections in this JVM that
 * joined it ({@code Connection.join}). It belongs to the Java node ({@code ErlangNode.localGroups()}, shared by the
 * listeners on that node, as pg's groups are the node's) or, with no Erlang node, to the one listener; never to the
 * JVM, so two Corral instances embedded in one JVM do not reach each other's members. {@code Connection.sendLocal} reads it to reach them with no Erlang node and no
 * round trip; pg's view of the same memberships (one relay per JVM per group, {@code erlang.Groups}) is kept in step
 * by {@link ConnectionProcess}, the one place a membership changes. Membership is a set: joining twice is one
 * membership. A connection whose process ends leaves all its groups, as pg drops a process that exits.
 *
 * <p>Hand-written because pg lives on a BEAM node: the index must answer without one (a Java-only server) and
 * without a distribution round trip per send.
 */
public final class LocalGroups {

    /** A pg group: its scope (an atom's name) and the group term. */
    public record Key(String scope, OtpErlangObject group) {}

    private final Map<Key, Set<ConnectionProcess>> groups = new ConcurrentHashMap<>();

    /** An empty index, for one Java node or one listener without a node. */
    public LocalGroups() {}

    /** Adds {@code member}; whether it was not a member already. */
    boolean join(Key key, ConnectionProcess member) {
        boolean[] added = new boolean[1];
        groups.compute(key, (k, members) -> {
            Set<ConnectionProcess> s = members != null ? members : ConcurrentHashMap.newKeySet();
            added[0] = s.add(member);
            return s;
        });
        return added[0];
    }

    /** Removes {@code member}; whether it was a member. */
    boolean leave(Key key, ConnectionProcess member) {
        boolean[] removed = new boolean[1];
        // Removed under the map's lock for this key, so an empty group disappears without racing a join.
        groups.computeIfPresent(key, (k, members) -> {
            removed[0] = members.remove(member);
            return members.isEmpty() ? null : members;
        });
        return removed[0];
    }

    /** Delivers {@code message} to every member's mailbox (each runs its handler's info callback); returns how many. */
    public int send(Key key, OtpErlangObject message) {
        Set<ConnectionProcess> members = groups.get(key);
        if (members == null) return 0;
        int n = 0;
        for (ConnectionProcess m : members) {
            m.deliver(message);
            n++;
        }
        return n;
    }

    /** The members now (a snapshot). */
    public List<ConnectionProcess> members(Key key) {
        Set<ConnectionProcess> members = groups.get(key);
        return members == null ? List.of() : List.copyOf(members);
    }

    /** The groups that have members in this index now. */
    public Set<Key> groups() {
        return Set.copyOf(groups.keySet());
    }
}
