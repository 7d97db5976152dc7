package io.vsync.security;

import io.vsync.codec.FrameCodec;
import io.vsync.codec.Hello;
import io.vsync.message.Data;
import io.vsync.message.ProtocolMessage;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;

/** A hand-driven connection to an engine: any Hello, then any frames. What a rogue process can do. */
final class RawPeer implements AutoCloseable {
    private final FrameCodec codec = new FrameCodec(FrameCodec.DEFAULT_MAX_FRAME_LENGTH + SecureTransport.ENVELOPE_OVERHEAD);
    private final Socket socket;
    private final OutputStream out;

    RawPeer(String target, String claimedAddress) throws IOException {
        int colon = target.lastIndexOf(':');
        socket = new Socket(target.substring(0, colon), Integer.parseInt(target.substring(colon + 1)));
        socket.setTcpNoDelay(true);
        out = socket.getOutputStream();
        write(codec.encode(new Hello(claimedAddress)));
    }

    void send(ProtocolMessage message) throws IOException {
        write(codec.encode(message));
    }

    void sendEnvelope(byte[] envelope) throws IOException {
        send(new Data(SecureTransport.TUNNEL_GROUP, 0, SecureTransport.TUNNEL_SENDER, 0, 0, (byte) 0, true, envelope));
    }

    void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    private void write(ByteBuffer frame) throws IOException {
        byte[] bytes = new byte[frame.remaining()];
        frame.get(bytes);
        out.write(bytes);
        out.flush();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
