package io.corral.compat.handlers;

import io.corral.api.Command;
import io.corral.api.Connection;
import io.corral.api.Frame;
import io.corral.api.InitResult;
import io.corral.api.Request;
import io.corral.api.Result;
import io.corral.api.Term;
import io.corral.api.WebSocketHandler;
import java.util.ArrayList;
import java.util.List;

/** The log route for Java 2.x: sends the events recorded for {@code ?id=} as text frames, then closes with 1000. */
public final class CompatLog implements WebSocketHandler<String> {
    @Override
    public InitResult<String> init(Request req, Term options) {
        return InitResult.upgrade(req.parseQs().stream().filter(e -> e.getKey().equals("id"))
                .map(e -> e.getValue().stringValue()).findFirst().orElse(null));
    }

    @Override
    public Result<String> websocketInit(String id, Connection self) {
        List<Command> out = new ArrayList<>();
        for (String e : CompatRecorder.events(id)) out.add(Frame.text(e));
        out.add(Frame.close(1000, ""));
        return Result.commands(id, out);
    }

    @Override
    public Result<String> websocketHandle(Frame frame, String id) {
        return Result.ok(id);
    }
}
