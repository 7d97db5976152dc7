/**
 * Frames between engines over TCP ({@link io.vsync.transport.NioTransport}).
 *
 * <h2>Connections</h2>
 * Two one-way connections per pair of engines: each engine sends only on the connection it
 * opened (lazily, on the first send) and receives only on those its peers opened. No
 * simultaneous-connect race, no tie-break. The first frame on every connection is a Hello with
 * the sender's listen address, which is the {@code fromAddress} of everything after it.
 *
 * <h2>Threads</h2>
 * One I/O thread per transport runs a Selector: accept, connect, read, decode, write, and all
 * listener callbacks. {@code send} runs on the caller's thread: it encodes (once, for any number
 * of peers) and appends the shared immutable frame to each peer's lock-free queue; a Data
 * frame's payload is not copied at encode, the frame refers to it. The I/O thread is woken
 * only when a connection goes from idle to having work while the thread is blocked in select.
 * It copies queued frames (header, then payload) into a per-connection direct buffer (64 KiB
 * by default) and writes it in one call, so a burst becomes a few large writes; TCP_NODELAY is
 * on, so a lone frame leaves at once. Received frames are decoded in place from the direct read
 * buffer by the connection's own decoder, which shares the group name and member id instances
 * of repeated frames; a payload is copied once, into its own array.
 *
 * <p>The engine shares the I/O thread ({@link io.vsync.transport.Transport#host}): after each
 * pass over the sockets the thread runs the protocol core's batch, so a frame is read, handled
 * and answered without a hand-off. That thread is also the <em>batching sender</em>
 * ({@link io.vsync.transport.Transport#batchSendsOfCurrentThread}): its frames are queued
 * without a wake-up and written at the end of the batch, one write per peer, under the
 * connection's socket lock; a connection that is not open yet, or whose socket is full, is left
 * to the I/O loop as before.
 *
 * <h2>TLS</h2>
 * Optional ({@link io.vsync.transport.TransportTls}, built from key stores by
 * {@code io.vsync.security.TlsConfig}): the I/O loop reads and writes every connection's bytes
 * through a per-connection filter, a pass-through without TLS, an {@code SSLEngine} with it
 * (client mode on the connections this engine opens, server mode requiring a client certificate
 * on those it accepts). The peer's certificate must name the host of its address: the acceptor
 * checks the Hello's listen address, the connector the address it dialled. A peer with other
 * settings (no TLS, an untrusted certificate, another address) is refused, counted
 * ({@link io.vsync.transport.TlsStats}) and logged on both sides, at most every 10 s per peer.
 *
 * <h2>Loss, by design</h2>
 * The transport never blocks a sender and never grows without bound; it drops instead, counts
 * the drop ({@link io.vsync.transport.TransportStats#droppedFrames()}), and leaves recovery to
 * the protocol's retransmission: a peer's queue over its cap (64 MiB) drops the new frame;
 * after a failed connect ({@code onPeerUnreachable}) sends to that address are dropped for the
 * backoff (50 ms), then the next send tries again; when a connection fails or breaks
 * ({@code onConnectionLost}) whatever was queued for it is dropped and the next send
 * reconnects at once. A frame that does not decode is dropped and counted; a bad length or
 * magic, or a first frame that is not a Hello, closes the connection.
 *
 * <h2>Why java.nio and not Netty</h2>
 * No dependency, full control of batching and wakeups, and the per-frame work is a copy into a
 * direct buffer: one I/O thread moved 0.2–0.9 million 1000-byte frames a second between two
 * transports on a shared, heavily loaded 2-core machine, with a 20–30 µs loopback round trip.
 */
package io.vsync.transport;
