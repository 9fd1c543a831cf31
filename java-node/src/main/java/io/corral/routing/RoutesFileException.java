package io.corral.routing;

/**
 * A routes file (or any Erlang term text) that cannot be read or does not describe valid routes. The message is
 * {@code FILE:LINE: problem}, the shape compilers use, so editors and terminals can jump to the line.
 */
public final class RoutesFileException extends Exception {

    private final String fileName;
    private final int line;
    private final String problem;

    public RoutesFileException(String fileName, int line, String problem) {
        super(fileName + ":" + line + ": " + problem);
        this.fileName = fileName;
        this.line = line;
        this.problem = problem;
    }

    public String fileName() {
        return fileName;
    }

    /** 1-based line the problem was found on. */
    public int line() {
        return line;
    }

    /** The message without its {@code FILE:LINE: } prefix. */
    public String problem() {
        return problem;
    }
}
