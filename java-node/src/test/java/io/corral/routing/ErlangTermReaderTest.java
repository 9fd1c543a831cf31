package io.corral.routing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.ericsson.otp.erlang.OtpErlangAtom;
import com.ericsson.otp.erlang.OtpErlangBinary;
import com.ericsson.otp.erlang.OtpErlangDouble;
import com.ericsson.otp.erlang.OtpErlangList;
import com.ericsson.otp.erlang.OtpErlangLong;
import com.ericsson.otp.erlang.OtpErlangMap;
import com.ericsson.otp.erlang.OtpErlangString;
import io.corral.api.Term;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ErlangTermReaderTest {

    private static Term one(String text) throws RoutesFileException {
        return ErlangTermReader.readOne(text, "t.conf").terms().getFirst();
    }

    private static RoutesFileException failure(String text) {
        return assertThrows(RoutesFileException.class, () -> ErlangTermReader.readOne(text, "t.conf"));
    }

    @Test
    void bareAndQuotedAtomsBecomeAtoms() throws Exception {
        assertEquals(new OtpErlangAtom("ok"), one("ok").raw());
        assertEquals(new OtpErlangAtom("node@host_1"), one("node@host_1").raw());
        assertEquals(new OtpErlangAtom("io.corral.demo.EchoHandler"), one("'io.corral.demo.EchoHandler'").raw());
        assertEquals(new OtpErlangAtom("_"), one("'_'").raw());
        assertEquals(new OtpErlangAtom("it's\n"), one("'it\\'s\\n'").raw(), "escapes work in quoted atoms");
    }

    @Test
    void integersIncludeNegativesBasesUnderscoresAndCharacters() throws Exception {
        assertEquals(42, one("42").longValue());
        assertEquals(-7, one("-7").longValue());
        assertEquals(-7, one("- 7").longValue(), "erl_parse allows a space after unary minus");
        assertEquals(255, one("16#ff").longValue());
        assertEquals(255, one("16#FF").longValue());
        assertEquals(10, one("2#1010").longValue());
        assertEquals(1_000_000, one("1_000_000").longValue());
        assertEquals('a', one("$a").longValue());
        assertEquals('\n', one("$\\n").longValue());
        assertEquals(new OtpErlangLong(new BigInteger("123456789012345678901234567890")),
                one("123456789012345678901234567890").raw(), "integers are unbounded, as in Erlang");
    }

    @Test
    void floatsNeedADigitAfterThePoint() throws Exception {
        assertEquals(new OtpErlangDouble(1.5), one("1.5").raw());
        assertEquals(new OtpErlangDouble(-2.5e-3), one("-2.5e-3").raw());
        assertEquals(new OtpErlangDouble(3.0e10), one("3.0E10").raw());
        assertEquals(5, one("5.").longValue(), "'5.' is the integer 5 and a full stop");
    }

    @Test
    void stringsAreCharlistsWithEscapesAndConcatenation() throws Exception {
        assertEquals(new OtpErlangString("/echo"), one("\"/echo\"").raw());
        assertEquals("tab\there \"q\" \\ A\u0001 é", one("\"tab\\there \\\"q\\\" \\\\ \\101\\^a \\x{e9}\"").stringValue());
        assertEquals("ab", one("\"a\" \"b\"").stringValue(), "adjacent strings are one string");
        assertEquals(new OtpErlangList(), one("\"\"").raw(), "the empty string is the empty list");
        assertEquals("путь", one("\"путь\"").stringValue());
    }

    @Test
    void binariesTakeBytesOrUtf8() throws Exception {
        assertArrayEquals("/echo".getBytes(StandardCharsets.US_ASCII), one("<<\"/echo\">>").binaryValue());
        assertArrayEquals("путь".getBytes(StandardCharsets.UTF_8), one("<<\"путь\"/utf8>>").binaryValue());
        assertArrayEquals(new byte[] {1, 2, (byte) 255}, one("<<1, 2, 16#ff>>").binaryValue());
        assertArrayEquals(new byte[] {(byte) 0xE9}, one("<<\"é\">>").binaryValue(), "without /utf8 a char is a byte");
        assertArrayEquals(new byte[0], one("<<>>").binaryValue());
        assertInstanceOf(OtpErlangBinary.class, one("<<\"a\", $b, \"c\"/utf8>>").raw());
        assertEquals("abc", one("<<\"a\", $b, \"c\"/utf8>>").stringValue());
    }

    @Test
    void tuplesListsAndMapsNest() throws Exception {
        Term t = one("{a, [1, \"x\", <<\"y\">>], #{k => v, <<\"b\">> => {}}, []}");
        assertEquals(4, t.arity());
        assertTrue(t.element(0).isAtom("a"));
        List<Term> list = t.element(1).listValue();
        assertEquals(3, list.size());
        assertEquals("x", list.get(1).stringValue());
        assertInstanceOf(OtpErlangMap.class, t.element(2).raw());
        assertTrue(t.element(2).get("k").isAtom("v"));
        assertEquals(0, t.element(2).get(Term.binary("b")).arity());
        assertEquals(List.of(), t.element(3).listValue());
        assertEquals(0, one("#{}").raw() instanceof OtpErlangMap m ? m.arity() : -1);
    }

    @Test
    void commentsAreSkippedAndDoNotShiftLines() throws Exception {
        SourceTerms s = ErlangTermReader.readOne("% header\n[ % a list\n  a, % first\n  b\n].", "t.conf");
        List<Term> items = s.terms().getFirst().listValue();
        assertEquals(2, s.lineOf(s.terms().getFirst()));
        assertEquals(3, s.lineOf(items.get(0)));
        assertEquals(4, s.lineOf(items.get(1)));
    }

    @Test
    void everyParsedValueKnowsItsLine() throws Exception {
        SourceTerms s = ErlangTermReader.readOne("{a,\n \"s\",\n <<\"b\">>,\n #{k =>\n 1}}", "t.conf");
        Term t = s.terms().getFirst();
        assertEquals(1, s.lineOf(t));
        assertEquals(1, s.lineOf(t.element(0)));
        assertEquals(2, s.lineOf(t.element(1)));
        assertEquals(3, s.lineOf(t.element(2)));
        assertEquals(4, s.lineOf(t.element(3)));
        assertEquals(5, s.lineOf(t.element(3).get("k")), "lines survive a fresh Term wrapper from get()");
    }

    @Test
    void consultStyleReadsSeveralTermsEachEndedByADot() throws Exception {
        SourceTerms s = ErlangTermReader.readAll("{port, 8080}.\n%% next\n{name, \"x\"}.\n", "app.config");
        assertEquals(2, s.terms().size());
        assertEquals(8080, s.terms().get(0).element(1).longValue());
        assertEquals(3, s.lineOf(s.terms().get(1)));
        assertEquals(0, ErlangTermReader.readAll("  % nothing\n", "e.config").terms().size());
    }

    @Test
    void consultStyleRequiresTheDotAfterEachTerm() {
        RoutesFileException e = assertThrows(RoutesFileException.class,
                () -> ErlangTermReader.readAll("{a, 1}.\n{b, 2}\n", "app.config"));
        assertEquals("app.config:3: expected '.' after the term but found end of file", e.getMessage());
    }

    @Test
    void oneTermFileTakesAnOptionalDotAndNothingAfter() throws Exception {
        assertTrue(one("[a].").isList());
        assertTrue(one("[a]").isList());
        assertEquals("t.conf:2: expected end of file after the term (one term only) but found atom b",
                failure("a.\nb.").getMessage());
    }

    @Test
    void syntaxErrorsNameFileLineAndWhatWasFound() {
        assertEquals("t.conf:7: expected ',' or '}' but found '{'",
                failure("[\n{'_',\n [\n  {\"/a\", h, []},\n  {\"/b\", h, []}\n ]\n {\n]").getMessage());
        assertEquals("t.conf:1: expected ',' or ']' but found atom b", failure("[a b]").getMessage());
        assertEquals("t.conf:2: expected a term but found ']'", failure("[a,\n]").getMessage());
        assertEquals("t.conf:1: expected a term but found end of file", failure("").getMessage());
        assertEquals("t.conf:1: expected '=>' but found ','", failure("#{a, b}").getMessage());
    }

    @Test
    void unterminatedStringNamesTheLineItStarted() {
        assertEquals("t.conf:2: unterminated string (no closing \")", failure("[\n\"abc\n\n").getMessage());
        assertEquals("t.conf:1: unterminated quoted atom (no closing ')", failure("'abc").getMessage());
    }

    @Test
    void variablesImproperListsAndReservedWordsAreRefusedWithHints() {
        assertTrue(failure("{_, x}").getMessage().startsWith("t.conf:1: '_' must be quoted"));
        assertTrue(failure("Handler").getMessage().startsWith("t.conf:1: variables are not allowed"));
        assertTrue(failure("[a | b]").getMessage().startsWith("t.conf:1: improper lists"));
        assertTrue(failure("{end}").getMessage().startsWith("t.conf:1: 'end' is a reserved word"));
        assertEquals("end", assertDoesNotFail("'end'").atomValue(), "a quoted reserved word is a plain atom");
    }

    @Test
    void binariesRefuseCharactersThatDoNotFitAByte() {
        assertEquals("t.conf:1: character U+043F does not fit in a byte; write <<\"...\"/utf8>> for UTF-8 text",
                failure("<<\"путь\">>").getMessage());
        assertTrue(failure("<<\"a\"/utf16>>").getMessage().startsWith("t.conf:1: expected 'utf8' after '/'"));
        assertEquals("t.conf:1: binary segment sizes are not supported", failure("<<1:16>>").getMessage());
    }

    @Test
    void strayCharactersAndBadNumbersAreReported() {
        assertEquals("t.conf:2: unexpected character '@'", failure("[\n@]").getMessage());
        assertEquals("t.conf:1: integer base 99 is not between 2 and 36", failure("99#1").getMessage());
        assertEquals("t.conf:1: expected a number after '-' but found atom a", failure("-a").getMessage());
    }

    private static Term assertDoesNotFail(String text) {
        try {
            return one(text);
        } catch (RoutesFileException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }
}
