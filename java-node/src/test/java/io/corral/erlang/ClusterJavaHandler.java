package io.corral.erlang;

import io.corral.api.Connection;
import io.corral.api.Frame;
import io.corral.api.InitResult;
import io.corral.api.Request;
import io.corral.api.Result;
import io.corral.api.Term;
import io.corral.api.WebSocketHandler;

/**
 * The Java twin of ws_cluster_h: says which JVM holds it, echoes text, joins and leaves pg groups of the default
 * scope on request ({@code join:G}, {@code leave:G}), sends to this JVM's members ({@code local:G:TEXT}) and
 * relays {@code {broadcast, Bin}} to its client.
 */
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
        if (!(frame instanceof Frame.Text t)) return Result.ok(self);
        String s = t.text();
        if (s.startsWith("join:")) {
            String g = s.substring(5);
            self.join("pg", Term.atom(g)).whenComplete((ok, e) -> self.post(e == null
                    ? Term.tuple(Term.atom("broadcast"), Term.binary("joined:" + g))
                    : Term.tuple(Term.atom("broadcast"), Term.binary("join failed: " + e))));
            return Result.ok(self);
        }
        if (s.startsWith("local:")) { // local:G:TEXT, sendLocal to this JVM's members of G
            String[] p = s.split(":", 3);
            self.sendLocal("pg", Term.atom(p[1]), Term.tuple(Term.atom("broadcast"), Term.binary(p[2])));
            return Result.ok(self);
        }
        if (s.startsWith("leave:")) {
            self.leave("pg", Term.atom(s.substring(6)));
            return Result.reply(self, Frame.text("left:" + s.substring(6)));
        }
        return Result.reply(self, t);
    }

    @Override
    public Result<Connection> websocketInfo(Term message, Connection self) {
        if (message.isTagged("broadcast", 2)) return Result.reply(self, Frame.text(message.element(1).stringValue()));
        return Result.ok(self);
    }
}
