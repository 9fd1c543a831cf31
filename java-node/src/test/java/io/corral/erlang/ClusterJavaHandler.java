package io.corral.erlang;

import io.corral.api.Connection;
import io.corral.api.Frame;
import io.corral.api.InitResult;
import io.corral.api.Request;
import io.corral.api.Result;
import io.corral.api.Term;
import io.corral.api.WebSocketHandler;

/** The Java twin of ws_cluster_h: says which JVM holds it and echoes text. */
public final class ClusterJavaHandler implements WebSocketHandler<Connection> {

    @Override
    public InitResult<Connection> init(Request request, Term options) {
        return InitResult.upgrade(null);
    }

    @Override
    public Result<Connection> websocketInit(Connection state, Connection self) {
        return Result.reply(self, Frame.text("jvm:" + self.pid().node()));
    }

    @Override
    public Result<Connection> websocketHandle(Frame frame, Connection self) {
        return frame instanceof Frame.Text t ? Result.reply(self, t) : Result.ok(self);
    }

    @Override
    public Result<Connection> websocketInfo(Term message, Connection self) {
        if (message.isTagged("broadcast", 2)) return Result.reply(self, Frame.text(message.element(1).stringValue()));
        return Result.ok(self);
    }
}
