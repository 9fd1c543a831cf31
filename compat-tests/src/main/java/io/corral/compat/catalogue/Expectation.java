package io.corral.compat.catalogue;

/**
 * What one generation must show for a scenario: the wire, in words (the scenario's body checks it), and the
 * reason the handler's terminate callback must have recorded, as the handler prints it ({@code {remote,4000,<<"bye">>}}).
 *
 * @param wire what the client must see: frames, close code and reason, status and headers, timing windows
 * @param terminate the recorded reason; a trailing {@code ...} matches a prefix; {@link #NOT_CALLED} when terminate
 *     must not run; null when the scenario does not look at it
 */
public record Expectation(String wire, String terminate) {
    public static final String NOT_CALLED = "(not called)";

    public boolean matches(String recorded) {
        if (terminate.endsWith("...")) return recorded.startsWith(terminate.substring(0, terminate.length() - 3));
        return recorded.equals(terminate);
    }

    @Override
    public String toString() {
        return terminate == null ? wire : wire + "; terminate " + terminate;
    }
}
