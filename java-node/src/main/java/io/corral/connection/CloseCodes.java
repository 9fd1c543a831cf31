package io.corral.connection;

import io.corral.api.CloseStatus;
import io.corral.api.Frame;
import io.corral.api.TerminateReason;

/** The one table from terminate reason to the close frame Corral sends (docs/contract/close.md). */
public final class CloseCodes {
    private CloseCodes() {}

    /** The close frame to send when the session ends for {@code reason}, or null when none is sent. */
    public static Frame.Close closeFrameFor(TerminateReason reason) {
        return switch (reason) {
            case TerminateReason.Stop s -> Frame.close(CloseStatus.NORMAL);
            case TerminateReason.Timeout t -> Frame.close(CloseStatus.NORMAL);
            // The client's code is echoed and its reason dropped; an empty close is answered with an empty close.
            case TerminateReason.Remote r -> Frame.close();
            case TerminateReason.RemoteClose r -> Frame.close(r.code());
            case TerminateReason.Crash c -> Frame.close(CloseStatus.INTERNAL_ERROR);
            case TerminateReason.Error e -> switch (e.kind()) {
                case "badframe" -> Frame.close(CloseStatus.PROTOCOL_ERROR);
                case "badencoding" -> Frame.close(CloseStatus.INVALID_PAYLOAD);
                case "badsize" -> Frame.close(CloseStatus.MESSAGE_TOO_BIG);
                default -> null; // the socket is gone or failed: nothing can be sent
            };
            case TerminateReason.Shutdown s -> Frame.close(CloseStatus.GOING_AWAY);
            case TerminateReason.Normal n -> null;
            case TerminateReason.Exit x -> null; // parent exit / killed: Cowboy sends no close frame
        };
    }
}
