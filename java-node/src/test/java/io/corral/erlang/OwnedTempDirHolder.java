package io.corral.erlang;

import java.nio.file.Path;

/**
 * A JVM of its own that makes an {@link OwnedTempDir} as a Corral start does, prints its path, and keeps it until
 * its standard input ends (then removes it, as a normal exit does), or until it is killed.
 */
public final class OwnedTempDirHolder {
    public static void main(String[] args) throws Exception {
        try (OwnedTempDir dir = OwnedTempDir.create(Path.of(args[0]), args[1])) {
            System.out.println(dir.path());
            System.out.flush();
            while (System.in.read() >= 0) {
                // held until the parent closes our stdin
            }
        }
    }
}
