package io.corral.routing;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/**
 * A Cowboy field constraint on one binding, the forms a routes file can spell: {@code int} (the value must parse as
 * an integer and is replaced by its canonical decimal form, as Cowboy replaces it by the integer) and
 * {@code nonempty}. Cowboy's third form, a fun, cannot be written in a file that {@code file:consult/1} reads.
 */
record Constraint(String binding, List<Check> checks) {

    enum Check { INT, NONEMPTY }

    Constraint {
        checks = List.copyOf(checks);
    }

    /**
     * Applies the checks in order to the binding if it is bound (an unbound name passes, as in Cowboy). Returns false
     * when a check fails; may rewrite the binding's value in {@code bindings}.
     */
    boolean apply(Map<String, String> bindings) {
        String value = bindings.get(binding);
        if (value == null) return true;
        for (Check check : checks) {
            switch (check) {
                case NONEMPTY -> {
                    if (value.isEmpty()) return false;
                }
                case INT -> {
                    value = canonicalInteger(value);
                    if (value == null) return false;
                }
            }
        }
        bindings.put(binding, value);
        return true;
    }

    /** What Erlang's binary_to_integer/1 accepts: an optional sign then decimal digits, nothing else. */
    private static String canonicalInteger(String s) {
        int start = !s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+') ? 1 : 0;
        if (start == s.length()) return null;
        for (int i = start; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') return null;
        }
        return new BigInteger(s).toString();
    }
}
