package io.corral.fatal;

import io.corral.api.Frame;
import io.corral.api.InitResult;
import io.corral.api.Request;
import io.corral.api.Result;
import io.corral.api.Term;
import io.corral.api.WebSocketHandler;
import java.util.ArrayList;
import java.util.List;

/**
 * Test handler for FatalErrorTest: on the text frame {@code grow} it keeps 4 MiB arrays until the heap is gone, and
 * catches what it gets, as careless handler code would. Only a JVM that ends at the first OutOfMemoryError survives it.
 */
public final class MemoryHogHandler implements WebSocketHandler<Void> {
    private static final List<byte[]> HELD = new ArrayList<>();

    @Override
    public InitResult<Void> init(Request req, Term opts) {
        return InitResult.upgrade(null);
    }

    @Override
    public Result<Void> websocketHandle(Frame f, Void s) {
        if (f instanceof Frame.Text t && t.text().equals("grow")) {
            try {
                while (true) HELD.add(new byte[4 << 20]);
            } catch (OutOfMemoryError swallowed) {
                HELD.clear();
                return Result.reply(s, Frame.text("still alive"));
            }
        }
        return Result.ok(s);
    }
}
