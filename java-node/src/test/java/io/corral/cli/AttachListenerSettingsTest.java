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
}
