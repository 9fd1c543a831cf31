package example.echo;

import io.corral.Corral;

/**
 * Corral embedded in an application: {@code java -cp ... example.echo.EchoServer [PORT]} serves {@code /echo} and a
 * browser page at {@code /}. Port 0 picks a free one; the first line printed names the URL.
 */
public final class EchoServer {
    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8081;
        byte[] page = EchoServer.class.getResourceAsStream("index.html").readAllBytes();
        Corral corral = Corral.builder()
                .port(port)
                .route("/echo", new Echo())
                .page("/", "text/html; charset=utf-8", page)
                .start();
        Runtime.getRuntime().addShutdownHook(new Thread(corral::close));
        System.out.println("listening on http://127.0.0.1:" + corral.port() + "/ (ws://127.0.0.1:" + corral.port() + "/echo)");
        Thread.currentThread().join();
    }
}
