package example.chat;

import io.corral.Corral;

/** {@code java -cp ... example.chat.ChatServer [PORT]}: rooms at {@code /chat/:room}, a browser page at {@code /}. */
public final class ChatServer {
    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8082;
        ChatRoom rooms = new ChatRoom();
        Corral corral = Corral.builder()
                .port(port)
                .route("/chat/:room", rooms)
                .page("/", "text/html; charset=utf-8", ChatServer.class.getResourceAsStream("index.html").readAllBytes())
                .start();
        Runtime.getRuntime().addShutdownHook(new Thread(corral::close));
        System.out.println("listening on http://127.0.0.1:" + corral.port() + "/ (ws://127.0.0.1:" + corral.port() + "/chat/ROOM)");
        Thread.currentThread().join();
    }
}
