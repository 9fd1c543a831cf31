package io.corral.connection;

import io.corral.config.FlowLimits;
import io.netty.channel.WriteBufferWaterMark;

/**
 * One route's flow limits (the listener's, with what the route's settings map overrides) and the Netty water marks
 * made from them: high at {@link FlowLimits#sendBufferBytes}, low at half of it. Made once per route by its
 * {@link ServerContext} and shared by every connection of the route ({@link WriteBufferWaterMark} is immutable), so
 * listeners and routes of different limits in one JVM never share or race on one.
 *
 * @param limits the route's limits
 * @param waterMark the write buffer water marks its connections' channels get
 */
public record RouteFlow(FlowLimits limits, WriteBufferWaterMark waterMark) {

    /** {@code limits} and the water marks they give. */
    public static RouteFlow of(FlowLimits limits) {
        int high = (int) Math.min(limits.sendBufferBytes(), Integer.MAX_VALUE);
        return new RouteFlow(limits, new WriteBufferWaterMark(high / 2, high));
    }
}
