package io.vsync.transport;

import io.vsync.codec.FrameCodec;
import io.vsync.codec.FrameDecoder;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * A connection a peer opened to this engine, on which it only receives. The peer is unknown
 * until its first frame, a Hello naming its listen address. I/O thread only.
 */
final class Inbound {
    final SocketChannel channel;
    final SelectionKey key;
    final FrameAssembler assembler;
    /** This connection's decoder: it remembers the peer's group names and member ids. */
    final FrameDecoder decoder;
    /** Hands each frame of a read to the I/O loop; one per connection, not one per read. */
    FrameAssembler.Sink sink;
    final long acceptedNanos;
    /** Plain or TLS; set once, by the I/O loop, right after accepting. */
    ConnectionFilter filter;
    /** The peer's listen address, once its Hello arrived. */
    String peer;

    Inbound(SocketChannel channel, SelectionKey key, FrameCodec codec, int readBufferSize, long acceptedNanos) {
        this.channel = channel;
        this.key = key;
        this.assembler = new FrameAssembler(codec, readBufferSize);
        this.decoder = codec.newDecoder();
        this.acceptedNanos = acceptedNanos;
    }
}
