package io.corral.guide;

import io.corral.api.Connection;
import io.corral.api.Frame;
import io.corral.api.HandlerOptions;
import io.corral.api.InitResult;
import io.corral.api.PartialRequest;
import io.corral.api.Request;
import io.corral.api.Result;
import io.corral.api.Term;
import io.corral.api.TerminateReason;
import io.corral.api.WebSocketHandler;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

public final class RoomHandler implements WebSocketHandler<RoomHandler.Seat> {

    /** Who is in which room: the JVM's counterpart of the Erlang forms' pg groups. */
    private static final Map<String, Set<Connection>> ROOMS = new ConcurrentHashMap<>();

    public record Seat(String room, Connection self) {}

    @Override
    public InitResult<Seat> init(Request req, Term opts) {
        String room = req.binding("room");
        List<String> protocols = req.subprotocols();
        if (protocols != null && protocols.contains("chat")) {
            req.setResponseHeader("sec-websocket-protocol", "chat");
        }
        return InitResult.upgrade(new Seat(room, null), HandlerOptions.builder().idleTimeoutMillis(60_000).build());
    }

    @Override
    public Result<Seat> websocketInit(Seat seat, Connection self) {
        ROOMS.computeIfAbsent(seat.room(), r -> ConcurrentHashMap.newKeySet()).add(self);
        return Result.reply(new Seat(seat.room(), self), Frame.text("joined " + seat.room()));
    }

    @Override
    public Result<Seat> websocketHandle(Frame frame, Seat seat) {
        return switch (frame) {
            case Frame.Text t when t.text().equals("bye") -> Result.reply(seat, Frame.close(1000, "bye"));
            case Frame.Text t -> {
                Term said = Term.tuple(Term.atom("said"), Term.binary(seat.room() + ": " + t.text()));
                for (Connection c : ROOMS.getOrDefault(seat.room(), Set.of())) c.post(said);
                yield Result.ok(seat);
            }
            default -> Result.ok(seat);
        };
    }

    @Override
    public Result<Seat> websocketInfo(Term message, Seat seat) {
        if (message.isTagged("said", 2)) return Result.reply(seat, Frame.text(message.element(1).stringValue()));
        return Result.ok(seat);
    }

    @Override
    public void terminate(TerminateReason reason, PartialRequest req, Seat seat) {
        if (seat.self() == null) return; // refused before websocketInit: never joined
        ROOMS.computeIfPresent(seat.room(), (room, in) -> {
            in.remove(seat.self());
            return in.isEmpty() ? null : in;
        });
    }
}
