package io.corral.compat.handlers;

import com.ericsson.otp.erlang.OtpErlangAtom;
import com.ericsson.otp.erlang.OtpErlangBinary;
import com.ericsson.otp.erlang.OtpErlangList;
import com.ericsson.otp.erlang.OtpErlangLong;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangString;
import com.ericsson.otp.erlang.OtpErlangTuple;
import io.corral.api.Frame;
import io.corral.api.Term;

/**
 * Terms and frames printed the way {@code compat_recorder:fmt/1} prints them in Erlang ({@code io_lib:print} on one
 * line), so Java and Erlang handlers record comparable events: {@code {remote,4000,<<"bye">>}}.
 */
public final class ErlText {
    private ErlText() {}

    public static String of(Term t) {
        StringBuilder sb = new StringBuilder();
        write(t.raw(), sb);
        return sb.toString();
    }

    /**
     * A frame as {@code websocket_handle} receives it. Java handlers get {@link Frame.Ping} with an empty payload in
     * both generations, so it prints as the 1.x tuple {@code {ping,<<>>}} (the bare-atom shape is Erlang-only).
     */
    public static String of(Frame f) {
        return switch (f) {
            case Frame.Text t -> "{text," + bin(t.bytes()) + "}";
            case Frame.Binary b -> "{binary," + bin(b.bytes()) + "}";
            case Frame.Ping p -> "{ping," + bin(p.bytes()) + "}";
            case Frame.Pong p -> "{pong," + bin(p.bytes()) + "}";
            case Frame.Close c -> "close";
        };
    }

    static String bin(byte[] b) {
        boolean printable = true;
        for (byte x : b) printable &= (x >= 32 && x < 127) || x == '\n' || x == '\t';
        StringBuilder sb = new StringBuilder("<<");
        if (printable && b.length > 0) {
            sb.append('"');
            for (byte x : b) {
                if (x == '"' || x == '\\') sb.append('\\');
                sb.append((char) x);
            }
            sb.append('"');
        } else {
            for (int i = 0; i < b.length; i++) sb.append(i > 0 ? "," : "").append(b[i] & 0xff);
        }
        return sb.append(">>").toString();
    }

    private static void write(OtpErlangObject o, StringBuilder sb) {
        switch (o) {
            case OtpErlangAtom a -> sb.append(a.atomValue());
            case OtpErlangBinary b -> sb.append(bin(b.binaryValue()));
            case OtpErlangLong l -> sb.append(l.bigIntegerValue());
            case OtpErlangString s -> sb.append('"').append(s.stringValue()).append('"');
            case OtpErlangTuple t -> seq(t.elements(), sb, '{', '}');
            case OtpErlangList l -> seq(l.elements(), sb, '[', ']');
            default -> sb.append(o);
        }
    }

    private static void seq(OtpErlangObject[] elements, StringBuilder sb, char open, char close) {
        sb.append(open);
        for (int i = 0; i < elements.length; i++) {
            if (i > 0) sb.append(',');
            write(elements[i], sb);
        }
        sb.append(close);
    }
}
