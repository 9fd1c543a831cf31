package io.corral.tls;

import io.corral.api.Frame;
import io.corral.api.InitResult;
import io.corral.api.Request;
import io.corral.api.Result;
import io.corral.api.Term;
import io.corral.api.WebSocketHandler;

/** Answers any text frame with the scheme its Req said at init ({@code http} or {@code https}). */
public final class SchemeHandler implements WebSocketHandler<String> {
    @Override
    public InitResult<String> init(Request request, Term options) {
        return InitResult.upgrade(request.scheme());
    }

    @Override
    public Result<String> websocketHandle(Frame frame, String scheme) {
        return frame instanceof Frame.Text ? Result.reply(scheme, Frame.text(scheme)) : Result.ok(scheme);
    }
}
