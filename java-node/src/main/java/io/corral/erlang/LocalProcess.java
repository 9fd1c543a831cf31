package io.corral.erlang;

import com.ericsson.otp.erlang.CorralOtpNode;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import com.ericsson.otp.erlang.OtpErlangRef;

/** A pid (or name) of the Java node: what it receives, including the monitor traffic JInterface does not know. */
interface LocalProcess extends CorralOtpNode.Receiver {

    /** {@code erlang:monitor(process, ThisProc)} from {@code watcher}; false when this process has already exited. */
    default boolean monitored(OtpErlangPid watcher, OtpErlangRef ref) {
        return true;
    }

    default void demonitored(OtpErlangRef ref) {}

    /** A monitor this process set ({@code MONITOR_P}) fired. */
    default void down(OtpErlangObject ref, OtpErlangObject reason) {}

    /** The connection to {@code node} is gone: links to it break with {@code noconnection}, its monitors vanish. */
    default void nodeDown(String node) {}

    @Override
    default void linked(OtpErlangPid from) {}

    @Override
    default void unlinked(OtpErlangPid from, long unlinkId) {}

    @Override
    default void exit(OtpErlangPid from, OtpErlangObject reason, boolean link) {}
}
