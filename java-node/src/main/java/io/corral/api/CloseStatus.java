package io.corral.api;

/** Close codes Corral sends, and the rule for the ones a client may send (RFC 6455 section 7.4). */
public final class CloseStatus {
    /**
     * Normal closure (RFC 6455 section 7.4.1).
     *
     */
    public static final int NORMAL = 1000;
    /** The server is going down (RFC 6455 section 7.4.1): what a draining Corral sends. */
    public static final int GOING_AWAY = 1001;
    /**
     * A protocol error: a bad frame from the client.
     *
     */
    public static final int PROTOCOL_ERROR = 1002;
    /**
     * Invalid UTF-8 in a text message or a close reason.
     *
     */
    public static final int INVALID_PAYLOAD = 1007;
    /**
     * A frame or message over {@code max_frame_size}.
     *
     */
    public static final int MESSAGE_TOO_BIG = 1009;
    /**
     * The handler crashed, or its Erlang node went down.
     *
     */
    public static final int INTERNAL_ERROR = 1011;

    private CloseStatus() {}

    /**
     * Whether a client may put this code in its close frame. Matches Cowboy ({@code cow_ws}): 1000-1003, 1007-1011
     * and 3000-4999; 1004-1006 and 1012-2999 are reserved or must not appear on the wire.
     *
     * @param code the code from a client's close frame
     * @return true when a client may send it
     */
    public static boolean isValidRemote(int code) {
        return code >= 1000 && code <= 1003 || code >= 1007 && code <= 1011 || code >= 3000 && code <= 4999;
    }
}
