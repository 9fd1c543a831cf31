package io.corral.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.config.ListenerSettings;
import io.corral.config.Settings;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code corral serve}'s listener options land in {@link ListenerSettings}; without them the defaults hold. */
class ListenerOptionsTest {
    private static Settings serve(String... args) {
        List<String> all = new java.util.ArrayList<>(List.of("--routes", "/dev/null"));
        all.addAll(List.of(args));
        return Main.parse("serve", all);
    }

    @Test
    void everyLimitHasAnOptionAndTheDefaultsHoldWithoutThem() {
        assertEquals(ListenerSettings.DEFAULTS, serve().listener(), "no option: every default");
        ListenerSettings l = serve("--request-timeout", "700", "--max-headers", "20", "--max-header-name-length", "32",
                "--max-header-value-length", "1000", "--max-request-line-length", "2000", "--max-connections", "50",
                "--compress", "--allowed-origin", "https://a.example.com", "--allowed-origin", "https://*.example.org")
                .listener();
        assertEquals(new ListenerSettings(700, 20, 32, 1000, 2000, 50, true,
                List.of("https://a.example.com", "https://*.example.org")), l, "each option sets its limit");
    }

    @Test
    void aBadValueIsRefusedNamingTheOption() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> serve("--max-headers", "many"));
        assertTrue(e.getMessage().contains("max-headers"), "the message names the option: " + e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> serve("--allowed-origin", "example.com"),
                "an origin needs its scheme");
    }

    @Test
    void theHelpListsEveryListenerOption() {
        for (String o : List.of("--request-timeout", "--max-headers", "--max-header-name-length",
                "--max-header-value-length", "--max-request-line-length", "--max-connections", "--compress",
                "--allowed-origin")) {
            assertTrue(Main.HELP.contains(o), "--help names " + o);
        }
    }
}
