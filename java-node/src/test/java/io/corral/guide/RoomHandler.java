package io.corral.guide;

import io.corral.api.Connection;
import io.corral.api.Frame;
import io.corral.api.HandlerOptions;
import io.corral.api.InitResult;
import io.corral.api.Request;
import io.corral.api.Result;
import io.corral.api.Term;
import io.corral.api.WebSocketHandler;
import java.util.List;

public final class RoomHandler implements WebSocketHandler<String> {

    @Override
    public InitResult<String> init(Request req, Term opts) {
        String room = req.binding("room");
        List<String> protocols = req.subprotocols();
        if (protocols != null && protocols.contains("chat")) {
            req.setResponseHeader("sec-websocket-protocol", "chat");
        }
        return InitResult.upgrade(room, HandlerOptions.builder().idleTimeoutMillis(60_000).build());
    }

    @Override
    public Result<String> websocketInit(String room, Connection self) {
        return Result.reply(room, Frame.text("joined " + room));
    }

    @Override
    public Result<String> websocketHandle(Frame frame, String room) {
        return switch (frame) {
            case Frame.Text t when t.text().equals("bye") -> Result.reply(room, Frame.close(1000, "bye"));
            case Frame.Text t -> Result.reply(room, Frame.text(room + ": " + t.text()));
            default -> Result.ok(room);
        };
    }
}
