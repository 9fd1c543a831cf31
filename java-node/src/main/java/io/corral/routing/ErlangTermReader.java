package io.corral.routing;

import com.ericsson.otp.erlang.OtpErlangAtom;
import com.ericsson.otp.erlang.OtpErlangBinary;
import com.ericsson.otp.erlang.OtpErlangDouble;
import com.ericsson.otp.erlang.OtpErlangList;
import com.ericsson.otp.erlang.OtpErlangLong;
import com.ericsson.otp.erlang.OtpErlangMap;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangString;
import com.ericsson.otp.erlang.OtpErlangTuple;
import io.corral.api.Term;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Reads Erlang term text, the subset {@code file:consult/1} accepts that configuration files use: atoms (bare and
 * quoted), integers (with {@code -}, {@code 16#ff}, {@code 1_000}, {@code $c}), floats, strings, binaries
 * ({@code <<"text">>}, {@code <<"text"/utf8>>}, {@code <<1,2>>}), tuples, proper lists and {@code #{K => V}} maps,
 * with {@code %} comments. Improper lists, variables, records, funs and expressions are refused, because
 * {@code file:consult/1} would refuse or evaluate them and a config file should not need them.
 *
 * <p>Every value built is mapped to the line it started on (see {@link SourceTerms}). Errors are
 * {@link RoutesFileException}s whose message starts {@code FILE:LINE: }.
 */
public final class ErlangTermReader {

    // Erlang's reserved words cannot be bare atoms; erl_parse rejects them, so do we, with a hint.
    private static final Set<String> RESERVED = Set.of("after", "and", "andalso", "band", "begin", "bnot", "bor",
            "bsl", "bsr", "bxor", "case", "catch", "cond", "div", "else", "end", "fun", "if", "let", "maybe", "not",
            "of", "or", "orelse", "receive", "rem", "try", "when", "xor");

    private final String fileName;
    private final Lexer lexer;
    private final IdentityHashMap<OtpErlangObject, Integer> lines = new IdentityHashMap<>();
    private Token token;

    private ErlangTermReader(String text, String fileName) throws RoutesFileException {
        this.fileName = fileName;
        this.lexer = new Lexer(text, fileName);
        this.token = lexer.next();
    }

    /** Reads consult style: zero or more terms, each ended by {@code .}. */
    public static SourceTerms readAll(String text, String fileName) throws RoutesFileException {
        ErlangTermReader r = new ErlangTermReader(text, fileName);
        List<Term> terms = new ArrayList<>();
        while (r.token.kind != Kind.EOF) {
            terms.add(r.term());
            r.expect(Kind.END, "'.' after the term");
        }
        return new SourceTerms(fileName, terms, r.lines);
    }

    /** Reads exactly one term; the {@code .} after it may be left out. */
    public static SourceTerms readOne(String text, String fileName) throws RoutesFileException {
        ErlangTermReader r = new ErlangTermReader(text, fileName);
        Term t = r.term();
        if (r.token.kind == Kind.END) r.advance();
        if (r.token.kind != Kind.EOF) throw r.unexpected("end of file after the term (one term only)");
        return new SourceTerms(fileName, List.of(t), r.lines);
    }

    // ---- parser ----

    private Term term() throws RoutesFileException {
        Token t = token;
        OtpErlangObject value = switch (t.kind) {
            case ATOM -> {
                if (!t.quoted && RESERVED.contains(t.text)) {
                    throw error(t.line, "'" + t.text + "' is a reserved word; quote it to use it as an atom");
                }
                advance();
                yield atom(t);
            }
            case VAR -> throw error(t.line, t.text.equals("_")
                    ? "'_' must be quoted to be an atom: write '_'"
                    : "variables are not allowed in a term; write the atom in quotes: '" + t.text + "'");
            case INTEGER, CHAR -> {
                advance();
                yield integer(t.number);
            }
            case FLOAT -> {
                advance();
                yield new OtpErlangDouble(t.real);
            }
            case STRING -> string();
            case PUNCT -> switch (t.text) {
                case "-", "+" -> signed();
                case "{" -> tuple();
                case "[" -> list();
                case "#" -> map();
                case "<<" -> binary();
                default -> throw unexpected("a term");
            };
            default -> throw unexpected("a term");
        };
        lines.put(value, t.line);
        return Term.of(value);
    }

    private OtpErlangObject atom(Token t) throws RoutesFileException {
        // JInterface refuses atoms longer than Erlang's limit; say so with a line rather than let it throw.
        if (t.text.codePointCount(0, t.text.length()) > 255) throw error(t.line, "atom longer than 255 characters");
        return new OtpErlangAtom(t.text);
    }

    private static OtpErlangLong integer(BigInteger v) {
        return v.bitLength() < 64 ? new OtpErlangLong(v.longValue()) : new OtpErlangLong(v);
    }

    private OtpErlangObject signed() throws RoutesFileException {
        boolean negative = token.text.equals("-");
        advance();
        Token n = token;
        switch (n.kind) {
            case INTEGER, CHAR -> {
                advance();
                return integer(negative ? n.number.negate() : n.number);
            }
            case FLOAT -> {
                advance();
                return new OtpErlangDouble(negative ? -n.real : n.real);
            }
            default -> throw unexpected("a number after '" + (negative ? "-" : "+") + "'");
        }
    }

    private OtpErlangObject string() throws RoutesFileException {
        // Adjacent string literals are one string, as in Erlang source.
        StringBuilder sb = new StringBuilder();
        while (token.kind == Kind.STRING) {
            sb.append(token.text);
            advance();
        }
        // "" is the empty list in Erlang; JInterface spells that as an empty OtpErlangList.
        return sb.isEmpty() ? new OtpErlangList() : new OtpErlangString(sb.toString());
    }

    @FunctionalInterface
    private interface Element {
        void read() throws RoutesFileException;
    }

    /** Elements separated by ',' up to {@code close}, which it consumes; the opening token is already consumed. */
    private void commaSeparated(String close, Element element) throws RoutesFileException {
        if (!isPunct(close)) {
            while (true) {
                element.read();
                if (isPunct(",")) {
                    advance();
                } else if (isPunct(close)) {
                    break;
                } else if (close.equals("]") && isPunct("|")) {
                    throw error(token.line, "improper lists ([H|T]) are not supported; write the list out in full");
                } else {
                    throw unexpected("',' or '" + close + "'");
                }
            }
        }
        advance();
    }

    private OtpErlangObject tuple() throws RoutesFileException {
        advance();
        List<OtpErlangObject> elements = new ArrayList<>();
        commaSeparated("}", () -> elements.add(term().raw()));
        return new OtpErlangTuple(elements.toArray(OtpErlangObject[]::new));
    }

    private OtpErlangObject list() throws RoutesFileException {
        advance();
        List<OtpErlangObject> elements = new ArrayList<>();
        commaSeparated("]", () -> elements.add(term().raw()));
        return new OtpErlangList(elements.toArray(OtpErlangObject[]::new));
    }

    private OtpErlangObject map() throws RoutesFileException {
        advance();
        if (!isPunct("{")) throw unexpected("'{' after '#' (records are not supported)");
        advance();
        List<OtpErlangObject> keys = new ArrayList<>();
        List<OtpErlangObject> values = new ArrayList<>();
        commaSeparated("}", () -> {
            keys.add(term().raw());
            if (isPunct(":=")) throw error(token.line, "':=' only updates a map; a map literal uses '=>'");
            if (!isPunct("=>")) throw unexpected("'=>'");
            advance();
            values.add(term().raw());
        });
        return new OtpErlangMap(keys.toArray(OtpErlangObject[]::new), values.toArray(OtpErlangObject[]::new));
    }

    private OtpErlangObject binary() throws RoutesFileException {
        advance();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        if (!isPunct(">>")) {
            while (true) {
                binarySegment(bytes);
                if (isPunct(",")) {
                    advance();
                } else if (isPunct(">>")) {
                    break;
                } else {
                    throw unexpected("',' or '>>'");
                }
            }
        }
        advance();
        return new OtpErlangBinary(bytes.toByteArray());
    }

    private void binarySegment(ByteArrayOutputStream out) throws RoutesFileException {
        Token t = token;
        String text;
        if (t.kind == Kind.STRING) {
            StringBuilder sb = new StringBuilder();
            while (token.kind == Kind.STRING) {
                sb.append(token.text);
                advance();
            }
            text = sb.toString();
        } else if (t.kind == Kind.INTEGER || t.kind == Kind.CHAR) {
            advance();
            text = null;
        } else {
            throw unexpected("a string or an integer in a binary");
        }
        if (isPunct(":")) throw error(token.line, "binary segment sizes are not supported");
        boolean utf8 = false;
        if (isPunct("/")) {
            advance();
            if (token.kind != Kind.ATOM || !token.text.equals("utf8")) {
                throw unexpected("'utf8' after '/' (the only binary type supported)");
            }
            utf8 = true;
            advance();
        }
        int[] codePoints = text != null ? text.codePoints().toArray() : new int[] {intValue(t)};
        for (int c : codePoints) {
            if (utf8) {
                out.writeBytes(new String(Character.toChars(c)).getBytes(StandardCharsets.UTF_8));
            } else if (c >= 0 && c <= 255) {
                out.write(c);
            } else {
                // Erlang would silently keep the low 8 bits; that is never what the writer meant.
                throw error(t.line, String.format(
                        "character U+%04X does not fit in a byte; write <<\"...\"/utf8>> for UTF-8 text", c));
            }
        }
    }

    private int intValue(Token t) throws RoutesFileException {
        if (t.number.bitLength() > 31 || t.number.signum() < 0 || t.number.intValue() > Character.MAX_CODE_POINT) {
            throw error(t.line, "binary integer segment " + t.number + " is out of range");
        }
        return t.number.intValue();
    }

    // ---- token plumbing ----

    private void advance() throws RoutesFileException {
        token = lexer.next();
    }

    private boolean isPunct(String p) {
        return token.kind == Kind.PUNCT && token.text.equals(p);
    }

    private void expect(Kind kind, String what) throws RoutesFileException {
        if (token.kind != kind) throw unexpected(what);
        advance();
    }

    private RoutesFileException unexpected(String expected) {
        return error(token.line, "expected " + expected + " but found " + token.describe());
    }

    private RoutesFileException error(int line, String problem) {
        return new RoutesFileException(fileName, line, problem);
    }

    // ---- lexer ----

    private enum Kind { ATOM, VAR, INTEGER, CHAR, FLOAT, STRING, PUNCT, END, EOF }

    private record Token(Kind kind, String text, BigInteger number, double real, boolean quoted, int line) {

        String describe() {
            return switch (kind) {
                case ATOM -> quoted ? "atom '" + text + "'" : "atom " + text;
                case VAR -> "variable " + text;
                case INTEGER, CHAR -> "integer " + number;
                case FLOAT -> "float " + real;
                case STRING -> "string \"" + text + "\"";
                case PUNCT -> "'" + text + "'";
                case END -> "'.'";
                case EOF -> "end of file";
            };
        }
    }

    private static final class Lexer {

        private static final List<String> PUNCTS =
                List.of("<<", ">>", "=>", ":=", "{", "}", "[", "]", "(", ")", ",", "|", "#", "/", ":", "-", "+");

        private final String s;
        private final String fileName;
        private int pos;
        private int line = 1;

        Lexer(String s, String fileName) {
            this.s = s;
            this.fileName = fileName;
        }

        Token next() throws RoutesFileException {
            skipBlanks();
            if (pos >= s.length()) return tok(Kind.EOF, "");
            char c = s.charAt(pos);
            int start = pos;
            if (c >= 'a' && c <= 'z') {
                while (pos < s.length() && isNameChar(s.charAt(pos))) pos++;
                return tok(Kind.ATOM, s.substring(start, pos));
            }
            if ((c >= 'A' && c <= 'Z') || c == '_') {
                while (pos < s.length() && isNameChar(s.charAt(pos))) pos++;
                return tok(Kind.VAR, s.substring(start, pos));
            }
            if (c >= '0' && c <= '9') return number();
            if (c == '\'') {
                int l = line;
                String text = quoted('\'');
                return new Token(Kind.ATOM, text, null, 0, true, l);
            }
            if (c == '"') {
                int l = line;
                return new Token(Kind.STRING, quoted('"'), null, 0, false, l);
            }
            if (c == '$') {
                pos++;
                if (pos >= s.length()) throw error("expected a character after '$' but found end of file");
                int cp = s.charAt(pos) == '\\' ? escape() : nextCodePoint();
                return new Token(Kind.CHAR, "$", BigInteger.valueOf(cp), 0, false, line);
            }
            if (c == '.') {
                pos++;
                // A full stop is '.' followed by white space, a comment or the end, as erl_scan defines it.
                if (pos >= s.length() || Character.isWhitespace(s.charAt(pos)) || s.charAt(pos) == '%') {
                    return tok(Kind.END, ".");
                }
                throw error("unexpected '.' (a term ends with '.' followed by white space)");
            }
            for (String p : PUNCTS) {
                if (s.startsWith(p, pos)) {
                    pos += p.length();
                    return tok(Kind.PUNCT, p);
                }
            }
            throw error("unexpected character '" + new String(Character.toChars(s.codePointAt(pos))) + "'");
        }

        private Token tok(Kind kind, String text) {
            return new Token(kind, text, null, 0, false, line);
        }

        private void skipBlanks() {
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c == '\n') {
                    line++;
                    pos++;
                } else if (Character.isWhitespace(c)) {
                    pos++;
                } else if (c == '%') {
                    while (pos < s.length() && s.charAt(pos) != '\n') pos++;
                } else {
                    return;
                }
            }
        }

        private static boolean isNameChar(char c) {
            return Character.isLetterOrDigit(c) || c == '_' || c == '@';
        }

        private Token number() throws RoutesFileException {
            String digits = digits(10);
            if (pos < s.length() && s.charAt(pos) == '#') {
                int base = Integer.parseInt(digits);
                if (base < 2 || base > 36) throw error("integer base " + base + " is not between 2 and 36");
                pos++;
                String value = digits(base);
                if (value.isEmpty()) throw error("expected base-" + base + " digits after '" + base + "#'");
                return new Token(Kind.INTEGER, value, new BigInteger(value, base), 0, false, line);
            }
            // "1." ending a term is an integer and a full stop; a float needs a digit after the point.
            if (pos + 1 < s.length() && s.charAt(pos) == '.' && Character.isDigit(s.charAt(pos + 1))) {
                pos++;
                String fraction = digits(10);
                String exponent = "";
                if (pos < s.length() && (s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
                    pos++;
                    String sign = "";
                    if (pos < s.length() && (s.charAt(pos) == '-' || s.charAt(pos) == '+')) sign = s.charAt(pos++) + "";
                    String e = digits(10);
                    if (e.isEmpty()) throw error("expected exponent digits in a float");
                    exponent = "e" + sign + e;
                }
                double v = Double.parseDouble(digits + "." + fraction + exponent);
                return new Token(Kind.FLOAT, digits, null, v, false, line);
            }
            return new Token(Kind.INTEGER, digits, new BigInteger(digits), 0, false, line);
        }

        /** Digits of {@code base}, allowing the single underscores between digits that OTP 23 added. */
        private String digits(int base) {
            StringBuilder sb = new StringBuilder();
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (Character.digit(c, base) >= 0) {
                    sb.append(c);
                    pos++;
                } else if (c == '_' && !sb.isEmpty() && pos + 1 < s.length()
                        && Character.digit(s.charAt(pos + 1), base) >= 0) {
                    pos++;
                } else {
                    break;
                }
            }
            return sb.toString();
        }

        private String quoted(char quote) throws RoutesFileException {
            int startLine = line;
            pos++;
            StringBuilder sb = new StringBuilder();
            while (true) {
                if (pos >= s.length()) {
                    throw new RoutesFileException(fileName, startLine,
                            "unterminated " + (quote == '"' ? "string" : "quoted atom") + " (no closing " + quote + ")");
                }
                char c = s.charAt(pos);
                if (c == quote) {
                    pos++;
                    return sb.toString();
                }
                if (c == '\\') {
                    sb.appendCodePoint(escape());
                } else {
                    if (c == '\n') line++;
                    sb.appendCodePoint(nextCodePoint());
                }
            }
        }

        private int nextCodePoint() {
            int cp = s.codePointAt(pos);
            pos += Character.charCount(cp);
            return cp;
        }

        /** Reads one escape sequence starting at the backslash, with erl_scan's meanings. */
        private int escape() throws RoutesFileException {
            pos++;
            if (pos >= s.length()) throw error("unfinished escape sequence at end of file");
            char c = s.charAt(pos++);
            return switch (c) {
                case 'n' -> '\n';
                case 'r' -> '\r';
                case 't' -> '\t';
                case 'v' -> 0x0B;
                case 'b' -> '\b';
                case 'f' -> '\f';
                case 'e' -> 0x1B;
                case 's' -> ' ';
                case 'd' -> 0x7F;
                case '0', '1', '2', '3', '4', '5', '6', '7' -> {
                    int v = c - '0';
                    for (int i = 0; i < 2 && pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '7'; i++) {
                        v = v * 8 + (s.charAt(pos++) - '0');
                    }
                    yield v;
                }
                case 'x' -> hexEscape();
                case '^' -> {
                    if (pos >= s.length()) throw error("unfinished escape sequence at end of file");
                    yield s.charAt(pos++) & 0x1F;
                }
                case '\n' -> {
                    line++;
                    yield '\n';
                }
                default -> c;
            };
        }

        private int hexEscape() throws RoutesFileException {
            if (pos < s.length() && s.charAt(pos) == '{') {
                int close = s.indexOf('}', pos);
                if (close < 0) throw error("unterminated \\x{...} escape");
                String hex = s.substring(pos + 1, close);
                pos = close + 1;
                try {
                    int v = Integer.parseInt(hex, 16);
                    if (!Character.isValidCodePoint(v)) throw error("\\x{" + hex + "} is not a Unicode code point");
                    return v;
                } catch (NumberFormatException e) {
                    throw error("bad hex digits in \\x{" + hex + "}");
                }
            }
            if (pos + 2 <= s.length() && Character.digit(s.charAt(pos), 16) >= 0
                    && Character.digit(s.charAt(pos + 1), 16) >= 0) {
                int v = Integer.parseInt(s.substring(pos, pos + 2), 16);
                pos += 2;
                return v;
            }
            throw error("expected two hex digits or {...} after \\x");
        }

        private RoutesFileException error(String problem) {
            return new RoutesFileException(fileName, line, problem);
        }
    }
}
