package example.chat;

import io.corral.api.Connection;
import io.corral.api.Frame;
import io.corral.api.InitResult;
import io.corral.api.Request;
import io.corral.api.Result;
import io.corral.api.Term;
import io.corral.api.WebSocketHandler;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A chat handler as an ordinary object: the application builds one and keeps what every connection shares (here a
 * message counter; a repository or a message bus in a real one). Each connection joins its room's group; a text is
 * sent to every member, numbered.
 */
public final class ChatRoom implements WebSocketHandler<ChatRoom.Member> {
    private final AtomicLong said = new AtomicLong();

    /** One connection: its handle and its room's group (a pg group: Erlang code in a cluster reaches it too). */
    public record Member(Connection self, Term group) {}

    public long messages() {
        return said.get();
    }

    @Override
    public InitResult<Member> init(Request request, Term options) {
        return InitResult.upgrade(new Member(null, Term.binary("example-chat:" + request.binding("room"))));
    }

    @Override
    public Result<Member> websocketInit(Member m, Connection self) {
        self.join(m.group());
        return Result.ok(new Member(self, m.group()));
    }

    @Override
    public Result<Member> websocketHandle(Frame frame, Member m) {
        if (frame instanceof Frame.Text t) {
            m.self().sendLocal(m.group(), Term.binary("#" + said.incrementAndGet() + " " + t.text()));
        }
        return Result.ok(m);
    }

    @Override
    public Result<Member> websocketInfo(Term message, Member m) {
        return message.isBinary() ? Result.reply(m, Frame.text(message.stringValue())) : Result.ok(m);
    }
}
