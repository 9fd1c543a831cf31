package io.corral.config;

import io.corral.api.HandlerOptions;

/**
 * The Cowboy version whose client-visible behaviour a listener or route reproduces (docs/contract/:
 * the versions table of README.md, timeouts.md, frames.md, upgrade.md). The shape of an empty ping follows the handler's generation, not the profile: erlang-bridge gives
 * 2.x modules the bare atom and 1.x modules {@code {ping, <<>>}}; Java handlers see a {@code Frame.Ping} either way. Everything that differs between Cowboy versions on the wire is a field here, so connection code
 * asks the profile instead of testing versions.
 */
public enum VersionProfile {
    V1_0("1.0", 400, false, HandlerOptions.INFINITY, HandlerOptions.INFINITY, false),
    V1_1("1.1", 400, false, HandlerOptions.INFINITY, HandlerOptions.INFINITY, false),
    V2_0("2.0", 400, true, 60_000, HandlerOptions.INFINITY, false),
    V2_LATEST("2.latest", 426, true, 60_000, 1_000_000, true);

    /** The name used in routes files and on the command line. */
    public final String label;
    /** Status for a request to a websocket route without upgrade headers: 400 before 2.2, 426 since. */
    public final int plainRequestStatus;
    /** Whether the 101 carries {@code date} and {@code server} (2.x adds them; 1.x does not). */
    public final boolean dateAndServerOn101;
    public final long defaultIdleTimeout;
    public final long defaultMaxFrameSize;
    /** Data sent together with the upgrade request: processed since 2.7, discarded before. */
    public final boolean keepsDataSentWithUpgrade;

    VersionProfile(String label, int plainRequestStatus, boolean dateAndServerOn101, long defaultIdleTimeout,
            long defaultMaxFrameSize, boolean keepsDataSentWithUpgrade) {
        this.label = label;
        this.plainRequestStatus = plainRequestStatus;
        this.dateAndServerOn101 = dateAndServerOn101;
        this.defaultIdleTimeout = defaultIdleTimeout;
        this.defaultMaxFrameSize = defaultMaxFrameSize;
        this.keepsDataSentWithUpgrade = keepsDataSentWithUpgrade;
    }

    public boolean isOneX() {
        return this == V1_0 || this == V1_1;
    }

    /** The defaults a handler gets when it names no options. */
    public HandlerOptions defaults() {
        return HandlerOptions.builder().idleTimeoutMillis(defaultIdleTimeout).maxFrameSize(defaultMaxFrameSize).build();
    }

    public static VersionProfile parse(String label) {
        for (VersionProfile p : values()) if (p.label.equals(label)) return p;
        throw new IllegalArgumentException("unknown Cowboy version profile '" + label + "' (known: 1.0, 1.1, 2.0, 2.latest)");
    }
}
