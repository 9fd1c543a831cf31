package io.corral.compat.catalogue;

import static io.corral.compat.catalogue.Expectation.NOT_CALLED;
import static io.corral.compat.catalogue.Flavour.ERL1;
import static io.corral.compat.catalogue.Flavour.ERL20;
import static io.corral.compat.catalogue.Flavour.ERL25;
import static io.corral.compat.catalogue.Flavour.JAVA1;
import static io.corral.compat.catalogue.Flavour.JAVA2;
import static io.corral.compat.catalogue.Scenario.scenario;

import io.corral.wire.WireClient;
import io.corral.wire.WireClient.Frame;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.zip.Inflater;

/**
 * Every row of docs/contract/ a client or a handler can observe, as scenarios run against the compat handlers
 * (query string and text commands, see {@code compat_script} / {@code CompatScript}). The area of each scenario names
 * its page of the contract (docs/contract/README.md is the index). Where a generation differs the expectation
 * says so on the scenario ({@code oneX}/{@code twoX}, and
 * {@code p.gen(a, b)} in the body); a flavour a scenario does not apply to is excluded with the reason, right there.
 */
public final class Catalogue {
    /** The upgrade headers of RFC 6455 section 1.3's example request. */
    private static final String UPGRADE_HEADERS = "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";

    private Catalogue() {}

    static final String NO_COMMANDS_1X = "Cowboy 1.x has no commands interface (commands are 2.5+)";
    static final String NO_COMMANDS_20 = "the 2.0 tuple interface has no commands (commands are 2.5+)";
    static final String ONLY_1X = "a 1.x-only behaviour";
    static final String NO_MONITOR = "a Java handler's process exit reason is not visible to an Erlang monitor "
            + "through the handler API (java-node's tests cover it)";
    static final String CRASH_2X = "{crash,error,...";
    static final int RSV1 = 4;

    public static final List<Scenario> SCENARIOS = List.of(
            // ------------------------------------------------ handshake: docs/contract/upgrade.md
            scenario("handshake_version_13_upgrades", "handshake", "upgrade request with Sec-WebSocket-Version: 13")
                    .oneX("101, upgrade: websocket, the RFC 6455 sec-websocket-accept; no date, no server header", null)
                    .twoX("101, upgrade: websocket, the RFC 6455 sec-websocket-accept, plus date and server", null)
                    .run(p -> {
                        try (WireClient c = p.upgraded("")) {
                            p.header(c, "upgrade", "websocket");
                            p.header(c, "sec-websocket-accept", WireClient.acceptFor(c.key()));
                            p.check("date header present", !p.oneX(), c.handshake().header("date") != null);
                            p.check("server header present", !p.oneX(), c.handshake().header("server") != null);
                        }
                    }),
            scenario("handshake_versions_7_and_8_upgrade", "handshake", "upgrade requests with versions 7 and 8")
                    .both("101 for both (Cowboy accepts 7, 8, 13)", null, null)
                    .run(p -> {
                        for (String v : List.of("7", "8")) {
                            try (WireClient c = p.open("", "Sec-WebSocket-Version: " + v)) {
                                p.check("status for version " + v, 101, c.handshake().status());
                            }
                        }
                    }),
            scenario("handshake_unknown_version_is_400", "handshake", "upgrade request with Sec-WebSocket-Version: 12")
                    .both("400", null, null)
                    .run(p -> {
                        try (WireClient c = p.open("", "Sec-WebSocket-Version: 12")) {
                            p.check("status", 400, c.handshake().status());
                        }
                    }),
            scenario("handshake_missing_key_is_400", "handshake", "upgrade request without Sec-WebSocket-Key")
                    .both("400", null, null)
                    .run(p -> {
                        try (WireClient c = p.raw("GET %PATH% HTTP/1.1\r\nHost: %HOST%\r\nUpgrade: websocket\r\n"
                                + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\r\n")) {
                            p.check("status", 400, c.handshake().status());
                        }
                    }),
            scenario("plain_request_is_426_or_400", "handshake", "a GET without Upgrade/Connection headers")
                    .oneX("400", null)
                    .twoX("426 with upgrade: websocket (2.2+; 2.0-2.1 answered 400)", null)
                    .run(p -> {
                        try (WireClient c = p.raw("GET %PATH% HTTP/1.1\r\nHost: %HOST%\r\n\r\n")) {
                            p.check("status", p.gen(400, 426), c.handshake().status());
                            if (!p.oneX()) p.header(c, "upgrade", "websocket");
                        }
                    }),
            scenario("upgrade_with_post_is_426", "handshake", "a POST with the upgrade headers")
                    .twoX("426 with connection: upgrade, upgrade: websocket (cowboy_websocket:is_upgrade_request/1)", null)
                    .onlyGeneration(Generation.TWO_X, "Cowboy 1.x upgrades a POST (see upgrade_with_post_is_400_in_1x)")
                    .run(p -> {
                        try (WireClient c = p.raw("POST %PATH% HTTP/1.1\r\nHost: %HOST%\r\n" + UPGRADE_HEADERS
                                + "Content-Length: 0\r\n\r\n")) {
                            p.check("status", 426, c.handshake().status());
                            p.header(c, "upgrade", "websocket");
                        }
                    }),
            scenario("upgrade_with_post_is_400_in_1x", "handshake", "a POST with the upgrade headers")
                    .oneX("400 (RFC 6455 4.1: the upgrade is a GET)", null)
                    .onlyGeneration(Generation.ONE_X, "2.x answers 426 (see upgrade_with_post_is_426)")
                    .notOnCowboy("Cowboy 1.1.2 answers 101 to a POST upgrade; Corral is stricter (RFC 6455 4.1)")
                    .run(p -> {
                        try (WireClient c = p.raw("POST %PATH% HTTP/1.1\r\nHost: %HOST%\r\n" + UPGRADE_HEADERS
                                + "Content-Length: 0\r\n\r\n")) {
                            p.check("status", 400, c.handshake().status());
                        }
                    }),
            scenario("http10_upgrade_is_501", "handshake", "an HTTP/1.0 request with the upgrade headers")
                    .twoX("501 (upgrade_required off HTTP/1.1, cowboy_websocket:upgrade/5)", null)
                    .onlyGeneration(Generation.TWO_X, "Cowboy 1.x upgrades HTTP/1.0 (see http10_upgrade_is_400_in_1x)")
                    .run(p -> {
                        try (WireClient c = p.raw("GET %PATH% HTTP/1.0\r\nHost: %HOST%\r\n" + UPGRADE_HEADERS + "\r\n")) {
                            p.check("status", 501, c.handshake().status());
                        }
                    }),
            scenario("http10_upgrade_is_400_in_1x", "handshake", "an HTTP/1.0 request with the upgrade headers")
                    .oneX("400 (RFC 6455 4.1: HTTP/1.1 or higher)", null)
                    .onlyGeneration(Generation.ONE_X, "2.x answers 501 (see http10_upgrade_is_501)")
                    .notOnCowboy("Cowboy 1.1.2 answers HTTP/1.0 101; Corral is stricter (RFC 6455 4.1)")
                    .run(p -> {
                        try (WireClient c = p.raw("GET %PATH% HTTP/1.0\r\nHost: %HOST%\r\n" + UPGRADE_HEADERS + "\r\n")) {
                            p.check("status", 400, c.handshake().status());
                        }
                    }),
            scenario("handshake_key_not_16_bytes_is_400", "handshake", "Sec-WebSocket-Key: abcdefgh")
                    .both("400 (RFC 6455 4.2.1: base64 of 16 bytes)", null, null)
                    .notOnCowboy("Cowboy 1.1.2 and 2.17 accept any key; Corral is stricter (RFC 6455 4.2.1)")
                    .run(p -> {
                        try (WireClient c = p.raw("GET %PATH% HTTP/1.1\r\nHost: %HOST%\r\n"
                                + UPGRADE_HEADERS.replace("dGhlIHNhbXBsZSBub25jZQ==", "abcdefgh") + "\r\n")) {
                            p.check("status", 400, c.handshake().status());
                        }
                    }),
            scenario("malformed_extensions_header_is_400", "handshake", "Sec-WebSocket-Extensions: ;")
                    .twoX("400 (cow_http_hd:parse_sec_websocket_extensions/1 fails inside cowboy_websocket:upgrade/5)", null)
                    .onlyGeneration(Generation.TWO_X, "Cowboy 1.x's answer to a malformed offer is not part of the contract")
                    .run(p -> {
                        try (WireClient c = p.raw("GET %PATH% HTTP/1.1\r\nHost: %HOST%\r\n" + UPGRADE_HEADERS
                                + "Sec-WebSocket-Extensions: ;\r\n\r\n")) {
                            p.check("status", 400, c.handshake().status());
                        }
                    }),
            scenario("unknown_path_is_404", "handshake", "upgrade request to PREFIX/nope")
                    .both("404", null, null)
                    .run(p -> {
                        try (WireClient c = p.openPath("/nope", "")) {
                            p.check("status", 404, c.handshake().status());
                        }
                    }),
            scenario("subprotocol_selected_by_init_appears_on_101", "handshake",
                    "offers 'foo, mqtt'; the handler selects mqtt (1.x in websocket_init/3, 2.x in init/2)")
                    .both("101 with sec-websocket-protocol: mqtt", null, null)
                    .run(p -> {
                        try (WireClient c = p.upgraded("protocol=mqtt", "Sec-WebSocket-Protocol: foo, mqtt")) {
                            p.header(c, "sec-websocket-protocol", "mqtt");
                        }
                    }),
            scenario("subprotocol_not_offered_is_not_set", "handshake", "offers 'foo'; the handler only selects mqtt")
                    .both("101 without sec-websocket-protocol (Cowboy never checks it itself)", null, null)
                    .run(p -> {
                        try (WireClient c = p.upgraded("protocol=mqtt", "Sec-WebSocket-Protocol: foo")) {
                            p.header(c, "sec-websocket-protocol", null);
                        }
                    }),
            scenario("subprotocol_token_case_is_kept", "handshake", "offers 'MQTT'; the handler selects MQTT")
                    .both("101 with sec-websocket-protocol: MQTT (tokens as sent)", null, null)
                    .run(p -> {
                        try (WireClient c = p.upgraded("protocol=MQTT", "Sec-WebSocket-Protocol: MQTT")) {
                            p.header(c, "sec-websocket-protocol", "MQTT");
                        }
                    }),
            scenario("init_refuses_without_reply", "refusal", "noreply: 1.x websocket_init/3 {shutdown, Req}; 2.x init/2 {ok, Req, S}")
                    .oneX("400; websocket_terminate/3 not called", NOT_CALLED)
                    .twoX("204; terminate(normal)", "normal")
                    .run(p -> {
                        try (WireClient c = p.open("noreply=1")) {
                            p.check("status", p.gen(400, 204), c.handshake().status());
                        }
                    }),
            scenario("init_refuses_with_status", "refusal", "refuse=403: cowboy_req:reply(403) then no upgrade")
                    .oneX("403; websocket_terminate/3 not called", NOT_CALLED)
                    .twoX("403; terminate(normal)", "normal")
                    .run(p -> {
                        try (WireClient c = p.open("refuse=403")) {
                            p.check("status", 403, c.handshake().status());
                        }
                    }),
            scenario("init_crash_is_500", "crashes", "crash=init: the first init raises")
                    .oneX("HTTP 500; no terminate", NOT_CALLED)
                    .twoX("HTTP 500; terminate({crash, error, R}) with the handler options as state", CRASH_2X)
                    .run(p -> {
                        try (WireClient c = p.open("crash=init")) {
                            p.check("status", 500, c.handshake().status());
                        }
                    }),
            scenario("websocket_init_crash", "crashes", "crash=websocket_init: the second init raises")
                    .oneX("HTTP 500 (websocket_init/3 runs before the 101); no terminate", NOT_CALLED)
                    .twoX("101, then close 1011 (websocket_init/1 runs after the 101)", CRASH_2X)
                    .run(p -> {
                        try (WireClient c = p.open("crash=websocket_init")) {
                            p.check("status", p.gen(500, 101), c.handshake().status());
                            if (!p.oneX()) p.closedWithCode(c, 1011);
                        }
                    }),
            scenario("websocket_init_frame_comes_first", "frames",
                    "init=frame, and sends 'x' right after the 101 (2.x: websocket_init/1 replies; 1.x: self() ! Msg in websocket_init/3)")
                    .both("text 'hello from websocket_init' before the echo of 'x'", null, null)
                    .run(p -> {
                        try (WireClient c = p.upgraded("init=frame")) {
                            c.sendText("x");
                            p.text(c, "hello from websocket_init");
                            p.text(c, "x");
                        }
                    }),

            // ------------------------------------------------ frames: docs/contract/frames.md
            scenario("text_echo", "frames", "sends 'hello' and a UTF-8 text")
                    .both("both echoed; the handler saw {text,<<\"hello\">>}", null, null)
                    .run(p -> {
                        try (WireClient c = p.upgraded("")) {
                            c.sendText("hello");
                            p.text(c, "hello");
                            c.sendText("héllo wörld ✓");
                            p.text(c, "héllo wörld ✓");
                            p.check("handler event", "handle {text,<<\"hello\">>}", p.event("handle {text"));
                        }
                    }),
            scenario("binary_echo", "frames", "sends the bytes 0,1,2,255")
                    .both("echoed as binary; the handler saw {binary,<<0,1,2,255>>}", null, null)
                    .run(p -> {
                        try (WireClient c = p.upgraded("")) {
                            byte[] b = {0, 1, 2, (byte) 255};
                            c.sendBinary(b);
                            Frame f = p.frame(c);
                            p.check("binary echo", true, f.opcode() == Frame.BINARY && Arrays.equals(b, f.payload()));
                            p.check("handler event", "handle {binary,<<0,1,2,255>>}", p.event("handle {binary"));
                        }
                    }),
            scenario("fragmented_message_is_reassembled", "frames", "sends 'frag' + 'men' + 'ted' as three fragments")
                    .both("one echo 'fragmented'; the handler saw one {text,<<\"fragmented\">>}", null, null)
                    .run(p -> {
                        try (WireClient c = p.upgraded("")) {
                            c.sendFrame(false, 0, Frame.TEXT, bytes("frag"));
                            c.sendFrame(false, 0, Frame.CONTINUATION, bytes("men"));
                            c.sendFrame(true, 0, Frame.CONTINUATION, bytes("ted"));
                            p.text(c, "fragmented");
                            p.check("handler event", "handle {text,<<\"fragmented\">>}", p.event("handle {text"));
                        }
                    }),
            scenario("ping_between_fragments_is_answered", "pings", "fragment 'a', ping 'x', fragment 'b'")
                    .both("pong 'x', text 'after ping x', then the echo 'ab'", null, null)
                    .run(p -> {
                        try (WireClient c = p.upgraded("")) {
                            c.sendFrame(false, 0, Frame.TEXT, bytes("a"));
                            c.sendPing(bytes("x"));
                            c.sendFrame(true, 0, Frame.CONTINUATION, bytes("b"));
                            p.check("next frame", "pong 'x'", Probe.describe(p.frame(c)));
                            p.text(c, "after ping x");
                            p.text(c, "ab");
                        }
                    }),
            scenario("large_binary_echo", "frames", "sends a 64 KiB binary frame")
                    .both("echoed whole", null, null)
                    .run(p -> {
                        try (WireClient c = p.upgraded("")) {
                            byte[] b = new byte[65536];
                            for (int i = 0; i < b.length; i++) b[i] = (byte) i;
                            c.sendBinary(b);
                            Frame f = p.frame(c);
                            p.check("64 KiB echo", true, Arrays.equals(b, f.payload()));
                        }
                    }),
            scenario("data_sent_with_the_upgrade_request", "handshake", "sends a text frame 'early' in the same write as the upgrade")
                    .oneX("discarded: nothing within 500 ms", null)
                    .twoX("processed (2.7+): echo 'early'", null)
                    .run(p -> {
                        try (WireClient c = p.connectWithData("", frameWithoutLineFeed("early"))) {
                            p.check("status", 101, c.handshake().status());
                            if (p.oneX()) p.nothingWithin(c, Duration.ofMillis(500));
                            else p.text(c, "early");
                        }
                    }),

            // ------------------------------------------------ pings: docs/contract/frames.md
            scenario("ping_is_ponged_before_the_handler_runs", "pings", "sends ping 'abc' (the handler answers a ping with a text)")
                    .both("pong 'abc' first, then text 'after ping abc'; the handler saw {ping,<<\"abc\">>}", null, null)
                    .run(p -> {
                        try (WireClient c = p.upgraded("")) {
                            c.sendPing(bytes("abc"));
                            p.check("first frame", "pong 'abc'", Probe.describe(p.frame(c)));
                            p.text(c, "after ping abc");
                            p.check("handler event", "handle {ping,<<\"abc\">>}", p.event("handle {ping"));
                        }
                    }),
            scenario("empty_ping_gets_empty_pong", "pings", "sends an empty ping")
                    .both("an empty pong", null, null)
                    .run(p -> {
                        try (WireClient c = p.upgraded("")) {
                            c.sendPing(new byte[0]);
                            p.check("reply", "pong ''", Probe.describe(p.frame(c)));
                        }
                    }),
            scenario("empty_ping_shape_seen_by_handler", "pings", "sends an empty ping")
                    .oneX("the handler saw {ping,<<>>}", null)
                    .twoX("the handler saw the bare atom ping", null)
                    .exclude("Java handlers get Frame.Ping with an empty payload in both generations: the bare atom vs "
                            + "tuple shape exists only for Erlang terms", JAVA2, JAVA1)
                    .run(p -> {
                        try (WireClient c = p.upgraded("")) {
                            c.sendPing(new byte[0]);
                            p.frame(c);
                            p.check("handler event", p.gen("handle {ping,<<>>}", "handle ping"), p.event("handle "));
                        }
                    }),
            scenario("server_ping_and_client_pong_reach_handler", "pings", "'ping hello': the handler sends a ping; the client pongs")
                    .both("ping 'hello'; the handler then saw {pong,<<\"hello\">>}", null, null)
                    .run(p -> {
                        try (WireClient c = p.upgraded("")) {
                            c.sendText("ping hello");
                            p.check("server ping", "ping 'hello'", Probe.describe(p.frame(c)));
                            c.sendFrame(true, 0, Frame.PONG, bytes("hello"));
                            p.check("handler event", "handle {pong,<<\"hello\">>}", p.event("handle {pong"));
                        }
                    }),

            // ------------------------------------------------ close codes: docs/contract/close.md, frames.md
            scenario("client_close_code_is_echoed", "close", "sends close 4000 'bye'")
                    .both("close 4000 with the reason dropped", "{remote,4000,<<\"bye\">>}", "{remote,4000,<<\"bye\">>}")
                    .run(p -> {
                        try (WireClient c = p.upgraded("")) {
                            c.sendClose(4000, "bye");
                            p.closed(c, 4000, "");
                        }
                    }),
            scenario("client_empty_close_is_answered_empty", "close", "sends a close frame with no payload")
                    .both("an empty close", "{remote,closed}", "remote")
                    .run(p -> {
                        try (WireClient c = p.upgraded("")) {
                            c.sendFrame(true, 0, Frame.CLOSE, new byte[0]);
                            p.closed(c, -1, "");
                        }
                    }),
            protocolError("client_close_reserved_code_is_1002", "sends close 1005", WireClient.encode(true, 0, Frame.CLOSE,
                    WireClient.closePayload(1005, ""), true)),
            protocolError("client_close_one_byte_payload_is_1002", "sends a close with a 1-byte payload",
                    WireClient.encode(true, 0, Frame.CLOSE, new byte[] {3}, true)),
            protocolError("unmasked_frame_is_1002", "sends an unmasked text frame",
                    WireClient.encode(true, 0, Frame.TEXT, bytes("hi"), false)),
            protocolError("unknown_opcode_is_1002", "sends a frame with opcode 3",
                    WireClient.encode(true, 0, 3, bytes("hi"), true)),
            protocolError("rsv_bit_without_extension_is_1002", "sends a text frame with RSV1 set, nothing negotiated",
                    WireClient.encode(true, RSV1, Frame.TEXT, bytes("hi"), true)),
            protocolError("fragmented_control_frame_is_1002", "sends a ping with FIN clear",
                    WireClient.encode(false, 0, Frame.PING, bytes("x"), true)),
            protocolError("control_frame_over_125_bytes_is_1002", "sends a 126-byte ping",
                    WireClient.encode(true, 0, Frame.PING, new byte[126], true)),
            protocolError("continuation_without_start_is_1002", "sends a continuation frame first",
                    WireClient.encode(true, 0, Frame.CONTINUATION, bytes("x"), true)),
            protocolError("data_frame_inside_fragmented_message_is_1002", "starts a fragmented text, then sends a new text frame",
                    concat(WireClient.encode(false, 0, Frame.TEXT, bytes("a"), true),
                            WireClient.encode(true, 0, Frame.TEXT, bytes("b"), true))),
            protocolError("non_minimal_length_is_1002", "sends 'hi' with a 16-bit length field",
                    WireClient.encodeWithLengthForm(Frame.TEXT, bytes("hi"), 2)),
            badUtf8("bad_utf8_text_is_1007", "sends a text frame with the bytes C3 28",
                    WireClient.encode(true, 0, Frame.TEXT, new byte[] {(byte) 0xc3, 0x28}, true)),
            badUtf8("bad_utf8_across_fragments_is_1007", "splits a text into fragments whose joined bytes are invalid (E2 82 / 28)",
                    concat(WireClient.encode(false, 0, Frame.TEXT, new byte[] {(byte) 0xe2, (byte) 0x82}, true),
                            WireClient.encode(true, 0, Frame.CONTINUATION, new byte[] {0x28}, true))),
            badUtf8("bad_utf8_close_reason_is_1007", "sends close 1000 with the reason bytes C3 28",
                    WireClient.encode(true, 0, Frame.CLOSE, new byte[] {0x03, (byte) 0xe8, (byte) 0xc3, 0x28}, true)),
            scenario("frame_over_max_frame_size_is_1009", "close", "max=1000 (init option max_frame_size); sends 2000 bytes")
                    .twoX("close 1009", "{error,badsize}")
                    .onlyGeneration(Generation.TWO_X, "Cowboy 1.x has no frame size limit (see no_frame_size_limit_in_1x)")
                    .exclude("max_frame_size is a 2.3+ option: the 2.0 tuple module's Cowboy has no limit", ERL20)
                    .run(p -> {
                        try (WireClient c = p.upgraded("max=1000")) {
                            c.sendBinary(new byte[2000]);
                            p.closedWithCode(c, 1009);
                        }
                    }),
            scenario("no_frame_size_limit_in_1x", "frames", "sends a 1.5 MB binary frame")
                    .oneX("echoed whole (1.x has no limit)", null)
                    .onlyGeneration(Generation.ONE_X, "Cowboy 2.17+ closes with 1009 over 1 MB by default "
                            + "(covered by frame_over_max_frame_size_is_1009)")
                    .run(p -> {
                        try (WireClient c = p.upgraded("")) {
                            byte[] b = new byte[1_500_000];
                            b[b.length - 1] = 7;
                            c.setReadTimeout(Duration.ofSeconds(60));   // 1.x reassembles slowly on a loaded machine
                            c.sendBinary(b);
                            Frame f = p.frame(c);
                            p.check("1.5 MB echo", true, Arrays.equals(b, f.payload()));
                        }
                    }),
            scenario("tcp_close_without_close_frame", "terminate", "closes the socket without a close frame")
                    .both("-", "{error,closed}", "{error,closed}")
                    .run(p -> {
                        try (WireClient c = p.upgraded("")) {
                            c.sendText("x");
                            p.text(c, "x");
                        }
                    }),
            // A TCP half-close ends the client's sending only (RFC 6455 section 5.5.1: the server still answers the
            // close frame): Cowboy reads the FIN as tcp_closed after the frames before it, so what it owes is written.
            scenario("text_close_and_half_close_in_one_write_are_answered", "terminate",
                    "sends text 'x' and a close 1000 in one write, then half-closes TCP (shutdown(SHUT_WR))")
                    .both("text 'x', then close 1000, then the TCP close", "{remote,1000,<<>>}", "{remote,1000,<<>>}")
                    .run(p -> {
                        try (WireClient c = p.upgraded("")) {
                            c.sendFrames(WireClient.encode(true, 0, Frame.TEXT, bytes("x"), true),
                                    WireClient.encode(true, 0, Frame.CLOSE, WireClient.closePayload(1000, ""), true));
                            c.shutdownOutput();
                            p.text(c, "x");
                            p.closed(c, 1000, "");
                        }
                        handledBeforeTerminate(p, "handle {text,<<\"x\">>}");
                    }),
            scenario("half_close_without_close_frame_is_a_closed_socket", "terminate",
                    "sends text 'x', reads its echo, then half-closes TCP without a close frame")
                    .both("the server closes TCP without a close frame", "{error,closed}", "{error,closed}")
                    .run(p -> {
                        try (WireClient c = p.upgraded("")) {
                            c.sendText("x");
                            p.text(c, "x");
                            c.shutdownOutput();
                            p.droppedWithoutClose(c);
                        }
                    }),

            // ---------------------------------------------------------------- order within one read
            // Cowboy is sequential (cowboy_websocket: parse_header, then handler_call, then commands, then the next
            // frame): every answer is written before anything the server writes for a later frame of the same read.
            scenario("two_pings_in_one_read_alternate_pong_and_reply", "order", "sends ping 'a' and ping 'b' in one write")
                    .both("pong 'a', text 'after ping a', pong 'b', text 'after ping b'", null, null)
                    .run(p -> {
                        try (WireClient c = p.upgraded("")) {
                            c.sendFrames(WireClient.encode(true, 0, Frame.PING, bytes("a"), true),
                                    WireClient.encode(true, 0, Frame.PING, bytes("b"), true));
                            p.check("1st frame", "pong 'a'", Probe.describe(p.frame(c)));
                            p.text(c, "after ping a");
                            p.check("3rd frame", "pong 'b'", Probe.describe(p.frame(c)));
                            p.text(c, "after ping b");
                        }
                    }),
            inOneRead("text_then_close_in_one_read_replies_first", "a close 1000",
                    WireClient.encode(true, 0, Frame.CLOSE, WireClient.closePayload(1000, ""), true),
                    "close 1000", 1000, "{remote,1000,<<>>}", "{remote,1000,<<>>}"),
            inOneRead("text_then_reserved_opcode_in_one_read_replies_first", "a frame with opcode 3",
                    WireClient.encode(true, 0, 3, bytes("hi"), true), "close 1002", 1002, "{error,badframe}", "{error,badframe}"),
            inOneRead("text_then_rsv2_in_one_read_replies_first", "a text frame with RSV2 set",
                    WireClient.encode(true, 2, Frame.TEXT, bytes("hi"), true), "close 1002", 1002, "{error,badframe}", "{error,badframe}"),
            inOneRead("text_then_bad_utf8_in_one_read_replies_first", "a text frame with the bytes C3 28",
                    WireClient.encode(true, 0, Frame.TEXT, new byte[] {(byte) 0xc3, 0x28}, true), "close 1007", 1007,
                    "{error,badencoding}", "{error,badencoding}"),
            inOneRead("text_then_crash_in_one_read_replies_first", "the text 'crash' (the callback raises)",
                    WireClient.encode(true, 0, Frame.TEXT, bytes("crash"), true), "close 1011", 1011, "{error,handler}", CRASH_2X),
            scenario("text_then_frame_over_max_frame_size_in_one_read_replies_first", "order",
                    "max=1000; sends text 'x' and a 2000-byte binary in one write")
                    .twoX("text 'x', then close 1009; the handler saw the text before terminate", "{error,badsize}")
                    .onlyGeneration(Generation.TWO_X, "Cowboy 1.x has no frame size limit (see no_frame_size_limit_in_1x)")
                    .exclude("max_frame_size is a 2.3+ option: the 2.0 tuple module's Cowboy has no limit", ERL20)
                    .run(p -> {
                        try (WireClient c = p.upgraded("max=1000")) {
                            c.sendFrames(WireClient.encode(true, 0, Frame.TEXT, bytes("x"), true),
                                    WireClient.encode(true, 0, Frame.BINARY, new byte[2000], true));
                            p.text(c, "x");
                            p.closedWithCode(c, 1009);
                        }
                        handledBeforeTerminate(p, "handle {text,<<\"x\">>}");
                    }),
            scenario("two_large_messages_then_close_in_one_read_are_echoed_first", "order",
                    "sends two binaries of 64 KiB + 10 bytes and a close 1000 in one write")
                    .both("both binaries echoed whole, in order, then close 1000", "{remote,1000,<<>>}", "{remote,1000,<<>>}")
                    .run(p -> {
                        byte[] a = new byte[65536 + 10];
                        byte[] b = new byte[65536 + 10];
                        for (int i = 0; i < a.length; i++) {
                            a[i] = (byte) i;
                            b[i] = (byte) (i * 7 + 1);
                        }
                        try (WireClient c = p.upgraded("")) {
                            c.sendFrames(WireClient.encode(true, 0, Frame.BINARY, a, true),
                                    WireClient.encode(true, 0, Frame.BINARY, b, true),
                                    WireClient.encode(true, 0, Frame.CLOSE, WireClient.closePayload(1000, ""), true));
                            p.check("1st echo", true, Arrays.equals(a, p.frame(c).payload()));
                            p.check("2nd echo", true, Arrays.equals(b, p.frame(c).payload()));
                            p.closed(c, 1000, "");
                        }
                    }),
            scenario("slow_reply_is_written_before_the_idle_timeout_close", "order",
                    "idle=300; 'sleep 700 slow': the callback answers 'slow' after 700 ms, past the idle timeout")
                    .oneX("text 'slow', then close 1000", "{normal,timeout}")
                    .twoX("text 'slow', then close 1000", "timeout")
                    .run(p -> {
                        try (WireClient c = p.upgraded("idle=300")) {
                            c.sendText("sleep 700 slow");
                            p.text(c, "slow");
                            p.closed(c, 1000, "");
                        }
                    }),
            scenario("reply_then_slow_reply_in_one_read_come_before_the_idle_timeout_close", "order",
                    "idle=300; sends text 'x' and 'sleep 700 slow' in one write")
                    .oneX("text 'x', text 'slow', then close 1000", "{normal,timeout}")
                    .twoX("text 'x', text 'slow', then close 1000", "timeout")
                    .run(p -> {
                        try (WireClient c = p.upgraded("idle=300")) {
                            c.sendFrames(WireClient.encode(true, 0, Frame.TEXT, bytes("x"), true),
                                    WireClient.encode(true, 0, Frame.TEXT, bytes("sleep 700 slow"), true));
                            p.text(c, "x");
                            p.text(c, "slow");
                            p.closed(c, 1000, "");
                        }
                    }),

            // ---------------------------------------------------------------- exit reasons of crashes
            // What a monitor on the handler's process sees. Cowboy 1.x raises a description of the crash with the
            // original class (cowboy_websocket:handler_call/7, cowboy_websocket:handler_init/4); 2.x re-raises.
            exitReason("handle_crash_exit_reason", "'crash': websocket_handle raises", "", "crash",
                    "{[{reason,crash_in_callback},{mfa,{compat_ws_v1,websocket_handle,3}},{stacktrace,[",
                    ",{msg,{text,<<\"crash\">>}},{req,[", "{crash_in_callback,["),
            exitReason("info_crash_exit_reason", "'crash-info': websocket_info raises", "", "crash-info",
                    "{[{reason,crash_in_callback},{mfa,{compat_ws_v1,websocket_info,3}},{stacktrace,[",
                    ",{msg,crash},{req,[", "{crash_in_callback,["),
            scenario("websocket_init_crash_exit_reason_1x", "crashes", "crash=websocket_init: websocket_init/3 raises")
                    .oneX("HTTP 500; the process exits {[{reason,R},{mfa,{M,websocket_init,3}},{stacktrace,S},{req,Req},"
                            + "{opts,Opts}], Stack} (cowboy_websocket:handler_init/4)", NOT_CALLED)
                    .onlyGeneration(Generation.ONE_X, "2.x websocket_init/1 runs after the 101: a plain {Reason, Stacktrace}, "
                            + "as handle_crash_exit_reason shows")
                    .exclude(NO_MONITOR, JAVA1)
                    .run(p -> {
                        try (WireClient c = p.open("crash=websocket_init")) {
                            p.check("status", 500, c.handshake().status());
                        }
                        String exit = p.event("exit ");
                        p.saw(exit.length() > 200 ? exit.substring(0, 200) + "..." : exit);
                        p.isTrue("exit reason shape", exit.startsWith("exit {[{reason,crash_in_websocket_init},"
                                + "{mfa,{compat_ws_v1,websocket_init,3}},{stacktrace,[") && exit.contains(",{opts,"), exit);
                    }),

            // ------------------------------------------------ stop and close in lists: docs/contract/close.md
            scenario("handle_stop_closes_1000", "stop", "'stop': 1.x {shutdown, Req, S}; 2.x {stop, S}")
                    .both("close 1000 with an empty reason, then the TCP close", "{normal,shutdown}", "stop")
                    .run(p -> {
                        try (WireClient c = p.upgraded("")) {
                            c.sendText("stop");
                            p.closed(c, 1000, "");
                        }
                    }),
            scenario("handle_reply_many_then_close", "stop", "'many-then-close': [one, two, {close,1000,bye}, after close]")
                    .both("text 'one', text 'two', close 1000 'bye', then the TCP close; nothing after the close",
                            "{normal,shutdown}", "stop")
                    .run(p -> {
                        try (WireClient c = p.upgraded("")) {
                            c.sendText("many-then-close");
                            p.text(c, "one");
                            p.text(c, "two");
                            p.closed(c, 1000, "bye");
                        }
                    }),
            scenario("handle_reply_bare_close_is_empty", "stop", "'close': the handler replies the bare atom close")
                    .both("an empty close (no code)", "{normal,shutdown}", "stop")
                    .run(p -> {
                        try (WireClient c = p.upgraded("")) {
                            c.sendText("close");
                            p.closed(c, -1, "");
                        }
                    }),
            scenario("handle_reply_close_code_and_reason", "stop", "'close 4001 custom': {close, 4001, <<\"custom\">>}")
                    .both("close 4001 'custom' as given", "{normal,shutdown}", "stop")
                    .run(p -> {
                        try (WireClient c = p.upgraded("")) {
                            c.sendText("close 4001 custom");
                            p.closed(c, 4001, "custom");
                        }
                    }),

            // ------------------------------------------------ timeouts: docs/contract/timeouts.md
            scenario("idle_timeout_set_by_handler", "timeouts",
                    "idle=300 (1.x: websocket_init/3 timeout; 2.x: init/2 opts idle_timeout); stays silent")
                    .oneX("close 1000 between 250 and 1500 ms after the 101", "{normal,timeout}")
                    .twoX("close 1000 between 250 and 1500 ms after the 101 (ticks: T to T+T/10)", "timeout")
                    .run(p -> {
                        // t0 before the upgrade: the server's timer starts after it, so a late 101 under load
                        // cannot make a correct close look early.
                        long t0 = System.nanoTime();
                        try (WireClient c = p.upgraded("idle=300")) {
                            p.closed(c, 1000, "");
                            within(p, t0, 250, 1500);
                        }
                    }),
            scenario("idle_timeout_is_reset_by_client_data", "timeouts", "idle=500; sends a text every 200 ms for 1 s")
                    .both("every text echoed, no close for 1 s; then close 1000 at least 450 ms after the last text",
                            "{normal,timeout}", "timeout")
                    .run(p -> {
                        try (WireClient c = p.upgraded("idle=500")) {
                            long lastSent = 0;
                            for (int i = 0; i < 5; i++) {
                                lastSent = System.nanoTime();
                                c.sendText("t" + i);
                                p.text(c, "t" + i);
                                Thread.sleep(200);
                            }
                            p.closed(c, 1000, "");
                            // Measured from the last send, not from after the sleep: under load a late sleep or
                            // echo would otherwise make a correct close look early. The server saw the text after
                            // it was sent, so its 500 ms cannot end less than 450 ms (clock granularity) after.
                            within(p, lastSent, 450, 2500);
                        }
                    }),
            scenario("idle_timeout_is_not_reset_by_server_frames", "timeouts",
                    "idle=600; 'later 300 x' (a timer message whose reply is a server frame)")
                    .both("text 'x' at about 300 ms, close 1000 still within 1.3 s of the last client data",
                            "{normal,timeout}", "timeout")
                    .run(p -> {
                        long t0 = System.nanoTime();   // before the upgrade, where the server's timer starts
                        try (WireClient c = p.upgraded("idle=600")) {
                            c.sendText("later 300 x");
                            p.text(c, "x");
                            p.closed(c, 1000, "");
                            within(p, t0, 550, 1300);
                        }
                    }),
            scenario("set_options_idle_timeout", "commands", "'idle 300': {set_options, #{idle_timeout => 300}}")
                    .twoX("text 'idle set', then close 1000 between 250 and 1500 ms", "timeout")
                    .onlyGeneration(Generation.TWO_X, NO_COMMANDS_1X)
                    .exclude(NO_COMMANDS_20, ERL20)
                    .run(p -> {
                        try (WireClient c = p.upgraded("")) {
                            long t0 = System.nanoTime();   // before the command that starts the new timeout
                            c.sendText("idle 300");
                            p.text(c, "idle set");
                            p.closed(c, 1000, "");
                            within(p, t0, 250, 1500);
                        }
                    }),

            // ------------------------------------------------ crashes: docs/contract/close.md, callbacks.md
            scenario("handle_crash_is_1011", "crashes", "'crash': websocket_handle raises")
                    .both("close 1011", "{error,handler}", CRASH_2X)
                    .run(p -> {
                        try (WireClient c = p.upgraded("")) {
                            c.sendText("crash");
                            p.closedWithCode(c, 1011);
                        }
                    }),
            scenario("info_crash_is_1011", "crashes", "'crash-info': self() ! crash, websocket_info raises")
                    .both("close 1011", "{error,handler}", CRASH_2X)
                    .run(p -> {
                        try (WireClient c = p.upgraded("")) {
                            c.sendText("crash-info");
                            p.closedWithCode(c, 1011);
                        }
                    }),
            scenario("invalid_return_drops_the_connection", "crashes", "'invalid': the callback returns something Cowboy cannot handle")
                    .both("the TCP connection closes with no close frame; terminate is not called", NOT_CALLED, NOT_CALLED)
                    .run(p -> {
                        try (WireClient c = p.upgraded("")) {
                            c.sendText("invalid");
                            p.droppedWithoutClose(c);
                        }
                    }),

            // ------------------------------------------------ Req: docs/contract/req.md
            scenario("req_accessors_visible_to_init", "req",
                    "connects to PREFIX/script/alice?id=ID&a=1&b=two with x-compat: yes; sends 'req'")
                    .oneX("binding=alice, qs as sent, header=yes, peer=127.0.0.1, meta websocket_version=13", null)
                    .twoX("binding=alice, qs as sent, header=yes, peer=127.0.0.1, version=undefined (not in init/2's Req)", null)
                    .run(p -> {
                        try (WireClient c = p.openPath("/script/alice", "a=1&b=two", "X-Compat: yes")) {
                            p.check("status", 101, c.handshake().status());
                            c.sendText("req");
                            p.text(c, "binding=alice qs=id=" + p.id() + "&a=1&b=two header=yes peer=127.0.0.1 version="
                                    + p.gen("13", "undefined"));
                        }
                    }),

            // ------------------------------------------------ commands: docs/contract/commands.md
            scenario("active_false_pauses_reading", "commands", "'pause 400': [{active,false}, text paused], timer -> {active,true}; then sends 'x'")
                    .twoX("text 'paused'; the echo of 'x' not within 250 ms, then within 3 s (at least 300 ms after the pause)", null)
                    .onlyGeneration(Generation.TWO_X, NO_COMMANDS_1X)
                    .exclude(NO_COMMANDS_20, ERL20)
                    .run(p -> {
                        try (WireClient c = p.upgraded("")) {
                            long t0 = System.nanoTime();
                            c.sendText("pause 400");
                            p.text(c, "paused");
                            c.sendText("x");
                            p.nothingWithin(c, Duration.ofMillis(250));
                            p.text(c, "x");
                            within(p, t0, 300, 3000);
                        }
                    }),
            scenario("shutdown_reason_changes_the_exit_reason", "commands",
                    "'shutdown-reason custom': [{shutdown_reason, custom}, {close, 1000, <<>>}]")
                    .twoX("close 1000; the process exits {shutdown,custom} (seen by a monitor)", "stop")
                    .onlyGeneration(Generation.TWO_X, NO_COMMANDS_1X)
                    .exclude(NO_COMMANDS_20, ERL20)
                    .exclude("a Java handler has no Erlang monitor on itself, so the exit reason is not observable "
                            + "from the handler API (java-node's CommandsTest covers it from inside)", JAVA2)
                    .run(p -> {
                        try (WireClient c = p.upgraded("")) {
                            c.sendText("shutdown-reason custom");
                            p.closed(c, 1000, "");
                            p.check("exit reason", "exit {shutdown,custom}", p.event("exit "));
                        }
                    }),
            scenario("deflate_command_toggles_compression", "commands",
                    "compress=1, offers permessage-deflate; 'deflate false', echo, 'deflate true', echo")
                    .twoX("compressed echo (RSV1); after {deflate,false} frames are plain; after {deflate,true} compressed again", null)
                    .onlyGeneration(Generation.TWO_X, NO_COMMANDS_1X)
                    .exclude(NO_COMMANDS_20, ERL20)
                    .run(p -> {
                        try (WireClient c = p.upgraded("compress=1", "Sec-WebSocket-Extensions: permessage-deflate")) {
                            Inflater inflater = new Inflater(true);
                            c.sendText("a");
                            compressedText(p, c, inflater, "a");
                            c.sendText("deflate false");
                            plainText(p, c, "deflate false");
                            c.sendText("b");
                            plainText(p, c, "b");
                            c.sendText("deflate true");
                            compressedText(p, c, inflater, "deflate true");
                        }
                    }),

            // ------------------------------------------------ compression: docs/contract/compression.md
            scenario("permessage_deflate_server_parameters_are_accepted", "compression",
                    "compress=1, offers permessage-deflate; server_no_context_takeover; server_max_window_bits=10; client_max_window_bits")
                    .twoX("permessage-deflate; server_no_context_takeover; client_max_window_bits=15; server_max_window_bits=10 "
                            + "(cow_ws:negotiate_permessage_deflate/3)", null)
                    .onlyGeneration(Generation.TWO_X, "Cowboy 1.x ignores permessage-deflate")
                    .run(p -> {
                        try (WireClient c = p.upgraded("compress=1", "Sec-WebSocket-Extensions: permessage-deflate; "
                                + "server_no_context_takeover; server_max_window_bits=10; client_max_window_bits")) {
                            p.header(c, "sec-websocket-extensions", "permessage-deflate; server_no_context_takeover; "
                                    + "client_max_window_bits=15; server_max_window_bits=10");
                            c.sendText("hello");
                            compressedText(p, c, new Inflater(true), "hello");
                        }
                    }),
            scenario("compress_negotiates_permessage_deflate", "compression", "compress=1, offers permessage-deflate, sends 'hello'")
                    .oneX("the offer is ignored (1.x only knows x-webkit-deflate-frame, listener-wide): no extension, plain echo", null)
                    .twoX("sec-websocket-extensions: permessage-deflate...; the echo is compressed (RSV1) and inflates to 'hello'", null)
                    .run(p -> {
                        try (WireClient c = p.upgraded("compress=1", "Sec-WebSocket-Extensions: permessage-deflate")) {
                            String ext = c.handshake().header("sec-websocket-extensions");
                            p.saw("sec-websocket-extensions: " + ext);
                            c.sendText("hello");
                            if (p.oneX()) {
                                p.check("extension", null, ext);
                                plainText(p, c, "hello");
                            } else {
                                p.isTrue("permessage-deflate accepted", ext != null && ext.startsWith("permessage-deflate"), String.valueOf(ext));
                                compressedText(p, c, new Inflater(true), "hello");
                            }
                        }
                    }),
            scenario("no_compression_without_the_handler_option", "compression", "offers permessage-deflate; the handler does not set compress")
                    .both("no sec-websocket-extensions; plain echo", null, null)
                    .run(p -> {
                        try (WireClient c = p.upgraded("", "Sec-WebSocket-Extensions: permessage-deflate")) {
                            p.header(c, "sec-websocket-extensions", null);
                            c.sendText("hello");
                            plainText(p, c, "hello");
                        }
                    }),

            // ------------------------------------------------ hibernate, messages: docs/contract/callbacks.md
            scenario("hibernate_has_no_wire_effect", "hibernate", "'hibernate': a reply with hibernate; then 'x'")
                    .both("text 'hibernating', then the echo of 'x'", null, null)
                    .run(p -> {
                        try (WireClient c = p.upgraded("")) {
                            c.sendText("hibernate");
                            p.text(c, "hibernating");
                            c.sendText("x");
                            p.text(c, "x");
                        }
                    }),
            scenario("timer_message_reaches_info", "messages", "'later 100 tick': erlang:send_after(100, self(), {later, tick})")
                    .both("text 'tick'; the handler saw info {later,<<\"tick\">>}", null, null)
                    .run(p -> {
                        try (WireClient c = p.upgraded("")) {
                            c.sendText("later 100 tick");
                            p.text(c, "tick");
                            p.check("handler event", "info {later,<<\"tick\">>}", p.event("info {later"));
                        }
                    }),
            scenario("terminate_runs_once_after_client_close", "terminate", "sends close 1000 ''")
                    .both("close 1000; exactly one terminate event", "{remote,1000,<<>>}", "{remote,1000,<<>>}")
                    .run(p -> {
                        try (WireClient c = p.upgraded("")) {
                            c.sendClose(1000, "");
                            p.closed(c, 1000, "");
                        }
                        p.event("terminate ");
                        Thread.sleep(200);
                        long n = p.log().stream().filter(e -> e.startsWith("terminate ")).count();
                        p.check("terminate events", 1L, n);
                    }));

    // ------------------------------------------------ shared shapes

    private static Scenario protocolError(String name, String does, byte[] frame) {
        return scenario(name, "close", does)
                .both("close 1002", "{error,badframe}", "{error,badframe}")
                .run(p -> {
                    try (WireClient c = p.upgraded("")) {
                        c.sendRaw(frame);
                        p.closedWithCode(c, 1002);
                    }
                });
    }

    /** Sends {@code text}; the handler's process then exits with the generation's crash shape, seen by a monitor. */
    private static Scenario exitReason(String name, String does, String query, String text, String oneXPrefix,
            String oneXPart, String twoXPrefix) {
        return scenario(name, "crashes", does + "; a monitor on the handler's process records its exit reason")
                .oneX("close 1011; the process exits " + oneXPrefix + "...]}, ...}: Cowboy 1.x's description of the crash",
                        "{error,handler}")
                .twoX("close 1011; the process exits {Reason, Stacktrace}", CRASH_2X)
                .exclude(NO_MONITOR, JAVA1, JAVA2)
                .run(p -> {
                    try (WireClient c = p.upgraded(query)) {
                        c.sendText(text);
                        p.closedWithCode(c, 1011);
                    }
                    String exit = p.event("exit ");
                    p.saw(exit.length() > 200 ? exit.substring(0, 200) + "..." : exit);
                    String want = "exit " + p.gen(oneXPrefix, twoXPrefix);
                    p.isTrue("exit reason starts " + want, exit.startsWith(want)
                            && (!p.oneX() || exit.contains(oneXPart) && exit.contains(",{state,")), exit);
                });
    }

    /** Text 'x' and then {@code then} in one write: the echo of 'x' comes before the close the second frame causes. */
    private static Scenario inOneRead(String name, String what, byte[] then, String close, int code, String oneX,
            String twoX) {
        return scenario(name, "order", "sends text 'x' and " + what + " in one write")
                .both("text 'x', then " + close + "; the handler saw the text before terminate", oneX, twoX)
                .run(p -> {
                    try (WireClient c = p.upgraded("")) {
                        c.sendFrames(WireClient.encode(true, 0, Frame.TEXT, bytes("x"), true), then);
                        p.text(c, "x");
                        p.closedWithCode(c, code);
                    }
                    handledBeforeTerminate(p, "handle {text,<<\"x\">>}");
                });
    }

    /** The handler recorded {@code event} before its terminate (terminate runs after it saw every earlier frame). */
    static void handledBeforeTerminate(Probe p, String event) throws Exception {
        p.event("terminate ");
        List<String> log = p.log();
        int handled = log.indexOf(event);
        int terminated = -1;
        for (int i = 0; i < log.size(); i++) if (log.get(i).startsWith("terminate ")) terminated = i;
        p.saw("handler: " + log);
        p.isTrue(event + " recorded before terminate", handled >= 0 && handled < terminated, log.toString());
    }

    private static Scenario badUtf8(String name, String does, byte[] frames) {
        return scenario(name, "close", does)
                .both("close 1007", "{error,badencoding}", "{error,badencoding}")
                .run(p -> {
                    try (WireClient c = p.upgraded("")) {
                        c.sendRaw(frames);
                        p.closedWithCode(c, 1007);
                    }
                });
    }

    static void within(Probe p, long t0, long minMs, long maxMs) {
        long ms = (System.nanoTime() - t0) / 1_000_000;
        p.saw("after " + ms + " ms");
        p.isTrue("between " + minMs + " and " + maxMs + " ms", ms >= minMs && ms <= maxMs, ms + " ms");
    }

    static void plainText(Probe p, WireClient c, String text) throws Exception {
        Frame f = p.frame(c);
        p.check("plain text frame", "text '" + text + "'", Probe.describe(f));
    }

    static void compressedText(Probe p, WireClient c, Inflater inflater, String text) throws Exception {
        Frame f = p.frame(c);
        p.isTrue("compressed (RSV1)", f.opcode() == Frame.TEXT && f.rsv() == RSV1, Probe.describe(f));
        inflater.setInput(concat(f.payload(), new byte[] {0, 0, (byte) 0xff, (byte) 0xff}));
        byte[] buf = new byte[65536];
        int n = inflater.inflate(buf);
        p.check("inflated text", text, new String(buf, 0, n, StandardCharsets.UTF_8));
    }

    /**
     * A masked text frame none of whose bytes is LF. Cowboy 2.17 keeps parsing what follows an upgrade request as
     * the next pipelined request until the Websocket takeover (cowboy_http:after_parse/1 calls parse/2 on the rest
     * of the buffer), so a line feed among those bytes, which a random mask key produces a few times in a hundred,
     * makes it answer 400: a Cowboy bug, kept out of the scenario by drawing mask keys until the frame has no LF.
     */
    static byte[] frameWithoutLineFeed(String text) {
        while (true) {
            byte[] f = WireClient.encode(true, 0, Frame.TEXT, bytes(text), true);
            boolean lf = false;
            for (byte x : f) lf |= x == '\n';
            if (!lf) return f;
        }
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    /** The scenarios that apply to {@code f}, in catalogue order. */
    public static List<Scenario> forFlavour(Flavour f) {
        return SCENARIOS.stream().filter(s -> s.appliesTo(f)).toList();
    }
}
