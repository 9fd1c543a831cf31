package io.corral.erlang;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A private temporary directory that a later run can tell is abandoned: {@code PREFIX<pid>-<random>} (rwx------)
 * next to the file {@code PREFIX<pid>-<random>.lock}, on which this JVM holds an OS file lock for as long as the
 * directory is in use. The OS releases the lock when the process ends however it ends (kill -9 included), so a lock
 * file nobody holds marks a leftover, and {@link #create} removes those first. A lock, rather than the pid in the
 * name, decides: a pid is reused by unrelated processes and means nothing to a process in another pid namespace
 * that shares the directory; the pid is in the name only for whoever lists it.
 *
 * <p>The lock file is created before its directory and deleted after it, so a directory whose lock file is gone
 * is one this code never made (an older Corral's): it is left alone, as its owner cannot be known.
 *
 * <p>Hand-written: the JDK deletes temporary files only on a normal exit ({@code deleteOnExit}, shutdown hooks).
 */
final class OwnedTempDir implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OwnedTempDir.class);
    private static final String LOCK = ".lock";
    /**
     * Lock files this JVM holds. A sweep must not open them: POSIX drops all of a process's locks on a file when
     * any of its descriptors of that file is closed, so probing one of our own would release it.
     */
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private final Path dir;
    private final Path lockFile;
    private final FileChannel channel;
    private final FileLock lock;

    private OwnedTempDir(Path dir, Path lockFile, FileChannel channel, FileLock lock) {
        this.dir = dir;
        this.lockFile = lockFile;
        this.channel = channel;
        this.lock = lock;
    }

    /** The JVM's temporary directory ({@code java.io.tmpdir}), where Corral's directories go. */
    static Path tmp() {
        return Path.of(System.getProperty("java.io.tmpdir"));
    }

    /** Removes the leftovers of earlier runs under {@code parent}, then makes a new directory, held until closed. */
    static OwnedTempDir create(Path parent, String prefix) throws IOException {
        sweep(parent, prefix);
        byte[] r = new byte[8];
        SecureRandom random = new SecureRandom();
        for (int attempt = 0; ; attempt++) {
            random.nextBytes(r);
            String name = prefix + ProcessHandle.current().pid() + "-" + HexFormat.of().formatHex(r);
            Path lockFile = parent.resolve(name + LOCK);
            FileChannel channel;
            try {
                channel = FileChannel.open(lockFile, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (FileAlreadyExistsException e) {
                if (attempt < 10) continue;
                throw e;
            }
            FileLock lock = channel.lock();
            // A sweep that opened the file between its creation and our lock took it for a leftover and deleted
            // it: the lock is on a file nobody can find any more, so start over under another name.
            if (!Files.exists(lockFile)) {
                channel.close();
                continue;
            }
            HELD.add(lockFile.toAbsolutePath().normalize());
            Path dir = parent.resolve(name);
            try {
                Files.createDirectory(dir,
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (IOException | UnsupportedOperationException e) {
                HELD.remove(lockFile.toAbsolutePath().normalize());
                Files.deleteIfExists(lockFile);
                channel.close();
                throw e instanceof IOException io ? io : new IOException(e);
            }
            return new OwnedTempDir(dir, lockFile, channel, lock);
        }
    }

    /**
     * Deletes each {@code PREFIX*} directory under {@code parent} whose lock file no process holds, then that lock
     * file; returns the directories removed. Never blocks: a held lock is skipped at once.
     */
    static List<Path> sweep(Path parent, String prefix) {
        List<Path> removed = new ArrayList<>();
        List<Path> locks = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(parent, prefix + "*" + LOCK)) {
            ds.forEach(locks::add);
        } catch (IOException e) {
            log.debug("cannot list {}: {}", parent, e.toString());
            return removed;
        }
        for (Path lockFile : locks) {
            if (HELD.contains(lockFile.toAbsolutePath().normalize())) continue;
            String file = lockFile.getFileName().toString();
            Path dir = parent.resolve(file.substring(0, file.length() - LOCK.length()));
            try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
                FileLock lock;
                try {
                    lock = ch.tryLock();
                } catch (OverlappingFileLockException e) {
                    continue; // this JVM holds it (made by another class loader's copy of this class)
                }
                if (lock == null) continue; // a live process holds it
                deleteTree(dir);
                Files.deleteIfExists(lockFile); // while still holding it, so nobody takes it for theirs meanwhile
                removed.add(dir);
                log.debug("removed {}, left behind by a run that has ended", dir);
            } catch (NoSuchFileException e) {
                // another start removed it meanwhile
            } catch (IOException e) {
                log.debug("cannot remove the leftover {}: {}", dir, e.toString());
            }
        }
        return removed;
    }

    Path path() {
        return dir;
    }

    /** Deletes the directory, then its lock file, and releases the lock. */
    @Override
    public void close() {
        try {
            deleteTree(dir);
            Files.deleteIfExists(lockFile);
        } catch (IOException e) {
            log.debug("could not remove {}: {}", dir, e.toString());
        } finally {
            HELD.remove(lockFile.toAbsolutePath().normalize());
            try {
                lock.release();
                channel.close();
            } catch (IOException e) {
                log.debug("could not release {}: {}", lockFile, e.toString());
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
