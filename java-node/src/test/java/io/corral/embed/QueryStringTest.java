package io.corral.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.corral.Corral;
import io.corral.api.Frame;
import io.corral.api.InitResult;
import io.corral.api.Request;
import io.corral.api.Result;
import io.corral.api.Term;
import io.corral.api.WebSocketHandler;
import io.corral.wire.WireClient;
import java.time.Duration;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The query string as a Java handler's {@code init} sees it: cow_qs:parse_qs/1's pairs. */
class QueryStringTest {

    /** Replies with the parsed query, each value shown as the Erlang term it is. */
    static final class ShowQuery implements WebSocketHandler<String> {
        @Override
        public InitResult<String> init(Request request, Term options) {
            return InitResult.upgrade(request.parseQs().stream()
                    .map(e -> e.getKey() + "=" + (e.getValue().isAtom() ? e.getValue().atomValue()
                            : "<<\"" + e.getValue().stringValue() + "\">>"))
                    .collect(Collectors.joining(" ")));
        }

        @Override
        public Result<String> websocketHandle(Frame frame, String shown) {
            return Result.reply(shown, Frame.text(shown));
        }
    }

    @Test
    void aKeyWithoutEqualsIsTheAtomTrueAndAnEmptyValueIsTheEmptyBinary() throws Exception {
        try (Corral corral = Corral.builder().port(0).route("/q", new ShowQuery()).start();
             WireClient w = WireClient.connect("127.0.0.1", corral.port(), "/q?flag&a=1&empty=&sp=x+y%21")) {
            assertEquals(101, w.handshake().status());
            w.setReadTimeout(Duration.ofSeconds(20));
            w.sendText("?");
            assertEquals("flag=true a=<<\"1\">> empty=<<\"\">> sp=<<\"x y!\">>", w.readFrame().text(),
                    "cowboy_req:parse_qs/1 gives {<<\"flag\">>, true}, {<<\"empty\">>, <<>>}, and decodes + and %XX");
        }
    }
}
