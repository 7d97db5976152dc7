package io.vsync.message;

/**
 * Everything two engines say to each other. Each record is one frame type of the wire format
 * ({@code io.vsync.codec.FrameCodec}); the transport tells the receiver which peer address a
 * frame came from, so no record repeats it.
 */
public sealed interface ProtocolMessage
        permits Heartbeat, GroupMessage {
}
