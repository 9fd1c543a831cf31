package io.corral.drain;

import io.corral.api.Frame;
import io.corral.api.InitResult;
import io.corral.api.PartialRequest;
import io.corral.api.Request;
import io.corral.api.Result;
import io.corral.api.Term;
import io.corral.api.TerminateReason;
import io.corral.api.WebSocketHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Echoes text; terminate appends the reason to the file named by the {@code file} option (the drain test reads it). */
public final class TerminateFileHandler implements WebSocketHandler<Path> {
    @Override
    public InitResult<Path> init(Request request, Term options) {
        return InitResult.upgrade(Path.of(options.get("file").stringValue()));
    }

    @Override
    public Result<Path> websocketHandle(Frame frame, Path file) {
        return frame instanceof Frame.Text t ? Result.reply(file, t) : Result.ok(file);
    }

    @Override
    public void terminate(TerminateReason reason, PartialRequest request, Path file) throws IOException {
        Files.writeString(file, reason + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
