package io.corral.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Matching rules, each checked with concrete hosts and paths; the expectations follow cowboy_router. */
class RouterTest {

    private static Router routes(String text) {
        try {
            return RoutesFile.parse(text, "routes.conf");
        } catch (RoutesFileException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    /** A router with one path under any host. */
    private static Router path(String pattern) {
        return routes("[{'_', [{\"" + pattern + "\", h, []}]}].");
    }

    private static Match matched(Router r, String host, String path) {
        return r.match(host, path).orElseThrow(() -> new AssertionError("expected " + host + path + " to match"));
    }

    private static void noMatch(Router r, String host, String path) {
        assertTrue(r.match(host, path).isEmpty(), host + path + " should not match");
    }

    @Test
    void exactPathMatchesAndOthersAre404() {
        Router r = path("/echo");
        assertEquals("h", matched(r, "localhost", "/echo").route().handlerName());
        noMatch(r, "localhost", "/other");
        noMatch(r, "localhost", "/echo/more");
        noMatch(r, "localhost", "/");
        assertEquals(Lookup.Miss.UNKNOWN_PATH, r.lookup("localhost", "/other"));
        assertEquals(404, Lookup.Miss.UNKNOWN_PATH.status());
    }

    @Test
    void rootPathMatchesOnlyRoot() {
        Router r = path("/");
        assertTrue(r.match("h", "/").isPresent());
        noMatch(r, "h", "/a");
    }

    @Test
    void oneTrailingSlashIsIgnoredOnBothSides() {
        assertTrue(path("/a/b").match("h", "/a/b/").isPresent(), "request trailing slash is dropped");
        assertTrue(path("/a/b/").match("h", "/a/b").isPresent(), "pattern trailing slash is dropped");
        noMatch(path("/a/b"), "h", "/a/b//");
    }

    @Test
    void emptyRequestSegmentsCountButEmptyPatternSegmentsDoNot() {
        noMatch(path("/a/b"), "h", "/a//b");
        assertTrue(path("/a//b").match("h", "/a/b").isPresent(), "'//' in a pattern is one separator");
        assertEquals(Map.of("x", ""), matched(path("/a/:x/b"), "h", "/a//b").bindings(),
                "an empty request segment can be bound");
    }

    @Test
    void bindingsCaptureSegments() {
        Match m = matched(path("/users/:id/friends/:friend"), "h", "/users/42/friends/essen");
        assertEquals(Map.of("id", "42", "friend", "essen"), m.bindings());
        assertNull(m.pathInfo(), "no [...] in the pattern");
        assertNull(m.hostInfo());
    }

    @Test
    void sameBindingTwiceMustHaveEqualValues() {
        Router r = path("/:same/:same");
        assertEquals(Map.of("same", "path"), matched(r, "h", "/path/path").bindings());
        noMatch(r, "h", "/path/to");
    }

    @Test
    void bindingSharedByHostAndPathMustAgree() {
        Router r = routes("[{\":user.ninenines.eu\", [{\"/path/:user\", h, []}]}].");
        assertEquals(Map.of("user", "essen"), matched(r, "essen.ninenines.eu", "/path/essen").bindings());
        noMatch(r, "essen.ninenines.eu", "/path/notessen");
    }

    @Test
    void colonUnderscoreMatchesAnyOneSegment() {
        Router r = path("/hats/:_/price");
        assertEquals(Map.of(), matched(r, "h", "/hats/red/price").bindings(), ":_ binds nothing");
        noMatch(r, "h", "/hats/price");
        noMatch(r, "h", "/hats/a/b/price");
    }

    @Test
    void bindingNameRunsToTheNextSlashAsInCowboy() {
        assertEquals(Map.of("id.json", "7.json"), matched(path("/a/:id.json"), "h", "/a/7.json").bindings());
    }

    @Test
    void colonInsideASegmentIsLiteral() {
        Router r = path("/a:b");
        assertTrue(r.match("h", "/a:b").isPresent());
        noMatch(r, "h", "/ax");
    }

    @Test
    void underscoreAtomPathMatchesEveryPathIncludingAsterisk() {
        Router r = routes("[{'_', [{'_', catch_all, []}]}].");
        assertEquals("catch_all", matched(r, "any", "/").route().handlerName());
        assertTrue(r.match("any", "/deep/down/here").isPresent());
        assertTrue(r.match("any", "*").isPresent());
        assertNull(matched(r, "any", "/x").pathInfo());
        assertEquals("_", matched(r, "any", "/x").route().pathPattern());
    }

    @Test
    void asteriskPatternMatchesOnlyTheAsteriskRequest() {
        Router r = routes("[{'_', [{\"*\", star, []}, {\"/\", root, []}]}].");
        assertEquals("star", matched(r, "h", "*").route().handlerName());
        assertEquals("root", matched(r, "h", "/").route().handlerName());
        noMatch(path("/"), "h", "*");
    }

    @Test
    void pathInfoCapturesTheRest() {
        Router r = path("/pathinfo/is/next/[...]");
        assertEquals(List.of(), matched(r, "h", "/pathinfo/is/next").pathInfo());
        assertEquals(List.of("path_info"), matched(r, "h", "/pathinfo/is/next/path_info").pathInfo());
        assertEquals(List.of("foo", "bar"), matched(r, "h", "/pathinfo/is/next/foo/bar").pathInfo());
        noMatch(r, "h", "/pathinfo/is");
    }

    @Test
    void pathInfoRightAfterALiteralWithoutSlash() {
        assertEquals(List.of("x"), matched(path("/static[...]"), "h", "/static/x").pathInfo());
    }

    @Test
    void optionalSegmentMatchesWithAndWithoutIt() {
        Router r = path("/hats/[:name]");
        assertEquals(Map.of(), matched(r, "h", "/hats").bindings());
        assertEquals(Map.of("name", "fedora"), matched(r, "h", "/hats/fedora").bindings());
        noMatch(r, "h", "/hats/fedora/xl");
    }

    @Test
    void nestedOptionalSegmentsMatchEachDepth() {
        Router r = path("/hats/[:name/[:size]]");
        assertEquals(Map.of(), matched(r, "h", "/hats").bindings());
        assertEquals(Map.of("name", "fedora"), matched(r, "h", "/hats/fedora").bindings());
        assertEquals(Map.of("name", "fedora", "size", "xl"), matched(r, "h", "/hats/fedora/xl").bindings());
        assertEquals(1, r.routes().size(), "the alternatives of one pattern are still one route");
        assertEquals("/hats/[:name/[:size]]", r.routes().getFirst().pathPattern());
    }

    @Test
    void optionalLiteralThenBinding() {
        Router r = path("/hats/[page/:number]");
        assertTrue(r.match("h", "/hats").isPresent());
        assertEquals(Map.of("number", "2"), matched(r, "h", "/hats/page/2").bindings());
        noMatch(r, "h", "/hats/page");
    }

    @Test
    void optionalStartingWithSeparatorAfterASegment() {
        Router r = path("/hats[/:name]");
        assertTrue(r.match("h", "/hats").isPresent());
        assertEquals(Map.of("name", "cap"), matched(r, "h", "/hats/cap").bindings());
    }

    @Test
    void pathSegmentsArePercentDecodedBeforeMatching() {
        Match m = matched(path("/users/:name"), "h", "/users/a%20b%2Fc");
        assertEquals(Map.of("name", "a b/c"), m.bindings(), "an escaped '/' stays inside its segment");
        assertEquals(Map.of("name", "a+b"), matched(path("/users/:name"), "h", "/users/a+b").bindings(),
                "'+' is not a space in a path (RFC 3986, cow_uri:urldecode)");
        assertTrue(path("/c!d").match("h", "/c%21d").isPresent());
        assertEquals(Map.of("w", "путь"), matched(path("/x/:w"), "h", "/x/%D0%BF%D1%83%D1%82%D1%8C").bindings(),
                "decoded bytes are read as UTF-8");
    }

    @Test
    void utf8PatternsMatchPercentEncodedRequests() {
        Router r = routes("[{'_', [{\"/путь/[...]\", a, []}, {<<\"/café\"/utf8>>, b, []}]}].");
        assertEquals(List.of("домой"), matched(r, "h", "/%D0%BF%D1%83%D1%82%D1%8C/%D0%B4%D0%BE%D0%BC%D0%BE%D0%B9")
                .pathInfo());
        assertEquals("b", matched(r, "h", "/caf%C3%A9").route().handlerName());
    }

    @Test
    void badPercentEncodingOrRelativePathIsABadRequest() {
        Router r = path("/a/:x");
        assertEquals(Lookup.Miss.BAD_PATH, r.lookup("h", "/a/%zz"));
        assertEquals(Lookup.Miss.BAD_PATH, r.lookup("h", "/a/%4"));
        assertEquals(Lookup.Miss.BAD_PATH, r.lookup("h", "/a/b c"));
        assertEquals(Lookup.Miss.BAD_PATH, r.lookup("h", "a/b"));
        assertEquals(400, Lookup.Miss.BAD_PATH.status());
    }

    @Test
    void dotSegmentsAreRemovedAsCowboy2Does() {
        Router r = path("/a/g");
        assertTrue(r.match("h", "/a/b/c/./../../g").isPresent());
        assertTrue(r.match("h", "/../a/g").isPresent(), "'..' above the root is dropped");
        assertTrue(r.match("h", "/a/%2E/g").isPresent(), "an encoded '.' is still a dot segment");
    }

    @Test
    void exactHostMatchesAndUnknownHostIs400() {
        Router r = routes("[{\"cowboy.example.org\", [{\"/\", h, []}]}].");
        assertTrue(r.match("cowboy.example.org", "/").isPresent());
        assertEquals(Lookup.Miss.UNKNOWN_HOST, r.lookup("example.org", "/"));
        assertEquals(Lookup.Miss.UNKNOWN_HOST, r.lookup("www.cowboy.example.org", "/"));
        assertEquals(400, Lookup.Miss.UNKNOWN_HOST.status());
    }

    @Test
    void hostPortIsIgnoredAndCaseFolded() {
        Router r = routes("[{\"cowboy.example.org\", [{\"/\", h, []}]}].");
        assertTrue(r.match("cowboy.example.org:8080", "/").isPresent());
        assertTrue(r.match("Cowboy.Example.ORG", "/").isPresent());
        assertTrue(r.match("cowboy.example.org.", "/").isPresent(), "a trailing dot (FQDN) is ignored");
    }

    @Test
    void leadingAndTrailingDotsInHostPatternsAreIgnored() {
        Router r = routes("[{\".cowboy.example.org.\", [{\"/\", h, []}]}].");
        assertTrue(r.match("cowboy.example.org", "/").isPresent());
    }

    @Test
    void hostBindingCapturesALabel() {
        Router r = routes("[{\":subdomain.example.org\", [{\"/\", h, []}]}].");
        assertEquals(Map.of("subdomain", "api"), matched(r, "api.example.org", "/").bindings());
        noMatch(r, "example.org", "/");
        noMatch(r, "a.b.example.org", "/");
    }

    @Test
    void sameHostBindingTwiceMustAgree() {
        Router r = routes("[{\":same.:same\", [{'_', h, []}]}].");
        assertEquals(Map.of("same", "eu"), matched(r, "eu.eu", "/").bindings());
        noMatch(r, "ninenines.eu", "/");
    }

    @Test
    void hostsMatchRightToLeftSoHostInfoHoldsTheLowerLabels() {
        Router r = routes("[{\"[...].ninenines.eu\", [{'_', h, []}]}].");
        assertEquals(List.of(), matched(r, "ninenines.eu", "/").hostInfo());
        assertEquals(List.of("bugs"), matched(r, "bugs.ninenines.eu", "/").hostInfo());
        assertEquals(List.of("cowboy", "bugs"), matched(r, "cowboy.bugs.ninenines.eu", "/").hostInfo(),
                "host_info keeps the written left-to-right order");
        noMatch(r, "ninenines.org", "/");
    }

    @Test
    void optionalHostLabel() {
        Router r = routes("[{\"[www.]ninenines.eu\", [{\"/horses\", h, []}]}].");
        assertTrue(r.match("ninenines.eu", "/horses").isPresent());
        assertTrue(r.match("www.ninenines.eu", "/horses").isPresent());
        noMatch(r, "api.ninenines.eu", "/horses");
    }

    @Test
    void hostWildcardLabelAndUnderscoreAtom() {
        Router r = routes("""
                [{"www.:_.ninenines.eu", [{"/users/:_/mails", any_subdomain_users, []}]},
                 {'_', [{'_', any, []}]}].
                """);
        assertEquals("any_subdomain_users", matched(r, "www.any.ninenines.eu", "/users/42/mails").route().handlerName());
        assertEquals("any", matched(r, "www.ninenines.eu", "/users/42/mails").route().handlerName());
        assertEquals("any", matched(r, "", "/").route().handlerName(), "'_' matches even an empty host");
    }

    @Test
    void firstMatchingHostDecidesEvenIfItsPathsDoNot() {
        Router r = routes("""
                [{"ninenines.eu", [{"/a", first, []}]},
                 {'_', [{'_', fallback, []}]}].
                """);
        assertEquals(Lookup.Miss.UNKNOWN_PATH, r.lookup("ninenines.eu", "/b"),
                "cowboy_router answers 404 from the first matching host, it does not try later hosts");
        assertEquals("fallback", matched(r, "other.eu", "/b").route().handlerName());
    }

    @Test
    void pathRulesAreTriedInOrder() {
        Router r = routes("[{'_', [{\"/users/:id/friends\", friends, []}, {'_', any, []}]}].");
        assertEquals("friends", matched(r, "h", "/users/444/friends").route().handlerName());
        assertEquals(Map.of("id", "444"), matched(r, "h", "/users/444/friends").bindings());
        assertEquals("any", matched(r, "h", "/").route().handlerName());
    }

    @Test
    void intConstraintAcceptsIntegersAndFallsThroughOtherwise() {
        Router r = routes("[{'_', [{\"/path/:value\", [{value, int}], numbers, []}, {'_', other, []}]}].");
        Match m = matched(r, "h", "/path/123");
        assertEquals("numbers", m.route().handlerName());
        assertEquals(Map.of("value", "123"), m.bindings());
        assertEquals(Map.of("value", "-7"), matched(r, "h", "/path/-007").bindings(),
                "the value is canonical, as Cowboy hands the handler an integer");
        assertEquals("other", matched(r, "h", "/path/NaN").route().handlerName());
    }

    @Test
    void nonemptyConstraintRejectsEmptySegments() {
        Router r = routes("[{'_', [{\"/room/:name\", [{name, nonempty}], chat, []}]}].");
        assertTrue(r.match("h", "/room/lobby").isPresent());
        noMatch(r, "h", "/room//");
    }

    @Test
    void constraintListsAndDefaultsAndBareFieldsAreAccepted() {
        Router r = routes("[{'_', [{\"/n/:n\", [{n, [nonempty, int]}, {other, int, 0}, ignored], h, []}]}].");
        assertTrue(r.match("h", "/n/5").isPresent());
        noMatch(r, "h", "/n/x");
    }

    @Test
    void hostConstraintsApplyToHostBindings() {
        Router r = routes("""
                [{":shard.example.org", [{shard, int}], [{'_', by_shard, []}]},
                 {'_', [{'_', other, []}]}].
                """);
        assertEquals(Map.of("shard", "12"), matched(r, "12.example.org", "/").bindings());
        assertEquals("other", matched(r, "eu.example.org", "/").route().handlerName(),
                "a failed host constraint moves on to the next host rule");
    }

    @Test
    void routeCarriesHandlerKindOptionsAndLine() {
        Router r = routes("""
                [{'_', [
                  {"/echo", 'io.corral.demo.EchoHandler', #{idle_timeout => 5000}},
                  {"/erl", echo_handler, []}
                ]}].
                """);
        Route java = matched(r, "h", "/echo").route();
        assertTrue(java.isJavaHandler());
        assertEquals("io.corral.demo.EchoHandler", java.handlerName());
        assertEquals(5000, java.options().get("idle_timeout").longValue());
        assertEquals(2, java.line());
        assertEquals("/echo", java.pathPattern());
        Route erl = matched(r, "h", "/erl").route();
        assertFalse(erl.isJavaHandler());
        assertEquals(3, erl.line());
        assertEquals(List.of(java, erl), r.routes());
    }

    @Test
    void matchIsImmutable() {
        Match m = matched(path("/:a"), "h", "/x");
        try {
            m.bindings().put("b", "y");
            throw new AssertionError("bindings should be read-only");
        } catch (UnsupportedOperationException expected) {
            // read-only, as documented
        }
    }

    @Test
    void emptyRoutesListMatchesNothing() {
        assertEquals(Lookup.Miss.UNKNOWN_HOST, routes("[].").lookup("h", "/"));
    }

    @Test
    void ipv6HostLiteralLosesOnlyItsPort() {
        Router r = routes("[{\"[...]\", [{'_', h, []}]}].");
        assertEquals(List.of("[::1]"), matched(r, "[::1]:8080", "/").hostInfo());
        assertEquals(List.of("[::1]"), matched(r, "[::1]", "/").hostInfo());
    }

    @Test
    void hostWithAnEmptyLabelMatchesOnlyUnderscoreHosts() {
        Router r = routes("[{\"[...]\", [{'_', named, []}]}, {'_', [{'_', any, []}]}].");
        assertEquals("any", matched(r, "a..b", "/").route().handlerName(),
                "cowboy_http refuses such a host; only a '_' rule can take it");
    }

    @Test
    void underscorePathWithConstraintsChecksHostBindings() {
        Router r = routes("[{\":n.example.org\", [{'_', [{n, int}], numbered, []}, {'_', other, []}]}].");
        assertEquals("numbered", matched(r, "3.example.org", "/x").route().handlerName());
        assertEquals("other", matched(r, "a.example.org", "/x").route().handlerName());
    }

    @Test
    void twoIdenticalEntriesAreTwoRoutes() {
        assertEquals(2, routes("[{'_', [{\"/a\", h, []}, {\"/a\", h, []}]}].").routes().size());
    }

    @Test
    void optionalHostLabelCompilesToOneRoutePerPath() {
        Router r = routes("[{\"[www.]example.org\", [{\"/a\", h, []}, {\"/b\", h, []}]}].");
        assertEquals(List.of("/a", "/b"), r.routes().stream().map(Route::pathPattern).toList());
    }
}
