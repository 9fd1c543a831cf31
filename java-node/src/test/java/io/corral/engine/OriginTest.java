package io.corral.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.Corral;
import io.corral.config.ListenerSettings;
import io.corral.config.OriginCheck;
import io.corral.config.Settings;
import io.corral.wire.WireClient;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The origin check: a listener's list (--allowed-origin) and a route's ({@code #{allowed_origins => [...]}}) say which
 * browser origins may upgrade; any other gets 403 before the handler's init runs. Off by default, as Cowboy.
 */
class OriginTest extends EngineFixture {
    static Corral checked;

    @BeforeAll
    static void startChecked() throws Exception {
        checked = Corral.start(Settings.builder().port(0).routesText("origin routes", """
                [{'_', [
                    {"/ws", 'io.corral.engine.ScriptHandler', []},
                    {"/partner", {'io.corral.engine.ScriptHandler', #{allowed_origins => ["https://partner.example.net"]}}, []}
                ]}].
                """).listener(ListenerSettings.builder()
                        .allowedOrigins(List.of("https://app.example.com", "https://*.example.org")).build())
                .build());
    }

    @AfterAll
    static void stop() {
        checked.close();
    }

    private static int status(Corral c, String path, String id, String origin) throws Exception {
        String[] headers = origin == null ? new String[0] : new String[] {"Origin: " + origin};
        try (WireClient w = WireClient.connect("127.0.0.1", c.port(), path + "?id=" + id, headers)) {
            return w.handshake().status();
        }
    }

    @Test
    void exactAndSubdomainPatternsMatchAsDocumented() {
        List<String> p = List.of("https://app.example.com", "https://*.example.org", "http://localhost:8080");
        assertTrue(OriginCheck.allowed(p, "https://app.example.com"), "exact");
        assertTrue(OriginCheck.allowed(p, "HTTPS://APP.EXAMPLE.COM"), "origins compare case-insensitively (RFC 6454 4)");
        assertTrue(OriginCheck.allowed(p, "https://a.example.org"), "a subdomain");
        assertTrue(OriginCheck.allowed(p, "https://a.b.example.org"), "a deeper subdomain");
        assertTrue(OriginCheck.allowed(p, "http://localhost:8080"), "exact with a port");
        assertFalse(OriginCheck.allowed(p, "https://example.org"), "the wildcard is for subdomains, not the domain");
        assertFalse(OriginCheck.allowed(p, "http://a.example.org"), "the scheme must match");
        assertFalse(OriginCheck.allowed(p, "https://a.example.org:8443"), "the port must match");
        assertFalse(OriginCheck.allowed(p, "https://evilexample.org"), "not a subdomain, only a suffix");
        assertFalse(OriginCheck.allowed(p, "https://example.org.evil.com"), "the domain must end the origin");
        assertFalse(OriginCheck.allowed(p, "https://app.example.com.evil.com"), "exact means exact");
        assertFalse(OriginCheck.allowed(p, "null"), "an opaque origin is not listed");
        assertFalse(OriginCheck.allowed(p, null), "no Origin header: not a listed origin");
        assertTrue(OriginCheck.allowed(List.of(), null), "no list: no check");
        assertThrows(IllegalArgumentException.class, () -> OriginCheck.validate("example.com"), "a scheme is needed");
        assertThrows(IllegalArgumentException.class, () -> OriginCheck.validate("https://app.example.com/path"),
                "an origin has no path");
    }

    @Test
    void aListedOriginUpgradesAndAnyOtherGets403BeforeInit() throws Exception {
        assertEquals(101, status(checked, "/ws", newId(), "https://app.example.com"), "listed");
        assertEquals(101, status(checked, "/ws", newId(), "https://chat.example.org"), "a listed subdomain");
        String id = newId();
        assertEquals(403, status(checked, "/ws", id, "https://evil.example.com"), "not listed");
        assertFalse(Recorder.seen(id, "init"), "init never ran for the refused origin");
        assertEquals(403, status(checked, "/ws", newId(), null), "a request without Origin is refused when a list is set");
    }

    @Test
    void aRoutesListReplacesTheListeners() throws Exception {
        assertEquals(101, status(checked, "/partner", newId(), "https://partner.example.net"), "the route's origin");
        assertEquals(403, status(checked, "/partner", newId(), "https://app.example.com"),
                "the listener's origin does not apply where the route names its own");
    }

    @Test
    void withoutAListEveryOriginUpgradesAsCowboy() throws Exception {
        assertEquals(101, status(corral, "/ws", newId(), "https://anything.example"), "off by default");
        assertEquals(101, status(corral, "/ws", newId(), null), "with or without Origin");
    }
}
