package io.corral.demo;

import io.corral.api.Connection;
import io.corral.api.Frame;
import io.corral.api.InitResult;
import io.corral.api.Request;
import io.corral.api.Result;
import io.corral.api.Term;
import io.corral.api.WebSocketHandler;

/**
 * A chat room per {@code :room} binding (or one room, {@code lobby}, on a route without it): every text a member
 * sends reaches every member of this JVM, the sender included, through the pg group {@code <<"chat:ROOM">>}
 * ({@code Connection.join}, {@code sendLocal}); in a cluster, Erlang code reaches the same members through pg.
 * {@code /leave} leaves the room (nothing more arrives), {@code /join} joins it again.
 */
public final class ChatHandler implements WebSocketHandler<ChatHandler.Member> {

    /** One connection's state: its handle and the group it talks to (a pg group, binary {@code <<"chat:ROOM">>}). */
    public record Member(Connection self, Term group) {}

    @Override
    public InitResult<Member> init(Request request, Term options) {
        String room = request.binding("room");
        return InitResult.upgrade(new Member(null, Term.binary("chat:" + (room == null ? "lobby" : room))));
    }

    @Override
    public Result<Member> websocketInit(Member m, Connection self) {
        self.join(m.group());
        return Result.ok(new Member(self, m.group()));
    }

    @Override
    public Result<Member> websocketHandle(Frame frame, Member m) {
        if (!(frame instanceof Frame.Text t)) return Result.ok(m);
        switch (t.text()) {
            case "/leave" -> m.self().leave(m.group());
            case "/join" -> m.self().join(m.group());
            default -> m.self().sendLocal(m.group(), Term.tuple(Term.atom("said"), Term.binary(t.text())));
        }
        return Result.ok(m);
    }

    @Override
    public Result<Member> websocketInfo(Term message, Member m) {
        if (message.isTagged("said", 2)) return Result.reply(m, Frame.text(message.element(1).stringValue()));
        return Result.ok(m);
    }
}
