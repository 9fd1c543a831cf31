import io.corral.Corral;
import java.nio.file.Path;

/**
 * An application that embeds Corral from its Maven artifact and serves an Erlang handler module: no Corral checkout,
 * no corral.home. {@code java -cp CONSUMER_CLASSPATH ErlangEmbedder.java EBIN} from any directory; erlang-bridge
 * comes out of the corral-java-node jar.
 */
public class ErlangEmbedder {
    public static void main(String[] args) throws Exception {
        Corral corral = Corral.builder()
                .port(0)
                .erlangRoute("/erl/echo", "embedded_echo")
                .codePath(Path.of(args[0]))
                .start();
        Runtime.getRuntime().addShutdownHook(new Thread(corral::close));
        System.out.println("listening on http://127.0.0.1:" + corral.port() + "/");
        Thread.currentThread().join();
    }
}
