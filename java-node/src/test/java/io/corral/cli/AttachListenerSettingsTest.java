package io.corral.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.corral.api.Term;
import io.corral.config.ListenerSettings;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The start request from corral:start_clear/3 or start_http/4 sets the listener's limits by Cowboy's names. */
class AttachListenerSettingsTest {
    @Test
    void cowboysProtocolOptionNamesSetTheListenersSettingsAndAbsentOnesKeepTheirDefaults() {
        Term config = Term.atomMap(Map.of("name", Term.binary("chat"), "compress", Term.atom("true"),
                "max_headers", Term.integer(50), "request_timeout", Term.integer(2000),
                "allowed_origins", Term.list(Term.binary("https://app.example.com"))));
        ListenerSettings l = Attach.listenerSettings(config);
        assertEquals(ListenerSettings.DEFAULTS.toBuilder().compress(true).maxHeaders(50).requestTimeoutMillis(2000)
                .allowedOrigins(java.util.List.of("https://app.example.com")).build(), l,
                "{compress, true} (start_http/4) and the limits given; every other limit at its default");
        assertEquals(ListenerSettings.DEFAULTS, Attach.listenerSettings(Term.atomMap(Map.of("name", Term.binary("x")))),
                "nothing given: the defaults");
    }

    @Test
    void theFlowLimitsComeByTheNamesARoutesSettingsMapTakesAndAbsentOnesKeepTheirDefaults() {
        io.corral.config.FlowLimits f = Attach.flowLimits(Term.atomMap(Map.of("max_in_flight", Term.integer(65536),
                "send_timeout", Term.integer(5000))));
        assertEquals(new io.corral.config.FlowLimits(65536, io.corral.config.FlowLimits.DEFAULTS.sendBufferBytes(), 5000),
                f, "max_in_flight and send_timeout given, send_buffer at its default");
        assertEquals(Long.MAX_VALUE, Attach.flowLimits(Term.atomMap(Map.of("send_timeout", Term.atom("infinity"))))
                .sendTimeoutMillis(), "gen_tcp's infinity");
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Attach.flowLimits(Term.atomMap(Map.of("send_buffer", Term.atom("big")))), "a bad value is refused");
    }
}
