package io.vsync.codec;

/**
 * The first frame on every outbound connection: tells the acceptor which peer is speaking,
 * named by the address the peer listens on ({@code host:port}). It belongs to the transport,
 * not to the protocol, so it is not a {@link io.vsync.message.ProtocolMessage}.
 */
public record Hello(String listenAddress) {
}
