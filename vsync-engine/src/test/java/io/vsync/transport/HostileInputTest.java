package io.vsync.transport;

import static io.vsync.transport.RecordingListener.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vsync.codec.FrameCodec;
import io.vsync.codec.Hello;
import io.vsync.api.MemberId;
import io.vsync.message.Data;
import io.vsync.message.Heartbeat;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Raw sockets that send what no transport would: the victim drops and counts, closes the
 * connection when the stream cannot be trusted, and keeps serving an honest peer throughout.
 */
class HostileInputTest {
    private static final String LIAR = "10.9.9.9:7800";
    private final FrameCodec codec = new FrameCodec();
    private final RecordingListener victimEvents = new RecordingListener();
    private NioTransport victim;
    private NioTransport honest;

    @BeforeEach
    void start() {
        victim = Loopback.start(victimEvents);
        honest = Loopback.start(new RecordingListener());
    }

    @AfterEach
    void close() {
        victim.close();
        honest.close();
    }

    @Test
    void randomGarbageIsCountedAndTheConnectionClosed() throws Exception {
        long seed = Long.getLong("vsync.seed", System.nanoTime());
        System.out.println("randomGarbage seed=" + seed + " (replay with -Dvsync.seed=" + seed + ")");
        byte[] garbage = new byte[4096];
        new Random(seed).nextBytes(garbage);
        garbage[4] = 0; // make sure it is not, by a one-in-65536 chance, a valid magic
        assertClosedAndCounted(garbage);
    }

    @Test
    void badMagicClosesTheConnection() throws Exception {
        ByteBuffer frame = copy(codec.encode(new Heartbeat(1)));
        frame.putShort(4, (short) 0x4854); // "HT": someone speaking HTTP, say
        assertClosedAndCounted(concat(hello(), frame.array()));
        await("lost reported for the hello'd peer", () -> victimEvents.lost().contains(LIAR));
    }

    @Test
    void hugeAndNegativeLengthsCloseTheConnection() throws Exception {
        for (int length : new int[] {Integer.MAX_VALUE, codec.maxFrameLength() + 1, -1, Integer.MIN_VALUE, 0, 3}) {
            byte[] header = ByteBuffer.allocate(8).putInt(length).putShort(FrameCodec.MAGIC).put((byte) 1).put((byte) 1)
                    .array();
            assertClosedAndCounted(concat(hello(), header));
        }
    }

    @Test
    void aFirstFrameThatIsNotHelloClosesTheConnection() throws Exception {
        assertClosedAndCounted(toBytes(codec.encode(new Heartbeat(1))));
        assertThat(victimEvents.messages()).allMatch(r -> r.from().equals(honest.localAddress()));
    }

    @Test
    void anUndecodableFrameIsDroppedAndTheStreamContinues() throws Exception {
        ByteBuffer unknownType = copy(codec.encode(new Heartbeat(1)));
        unknownType.put(7, (byte) 99);
        ByteBuffer badBody = copy(codec.encode(new Heartbeat(2)));
        badBody.putInt(0, badBody.getInt(0) - 1); // one byte short: the Heartbeat's long is truncated…
        byte[] shortened = java.util.Arrays.copyOf(badBody.array(), badBody.capacity() - 1); // …and framed so
        byte[] stream = concat(hello(), unknownType.array(), shortened, toBytes(codec.encode(new Heartbeat(3))));
        try (Socket s = connect()) {
            s.getOutputStream().write(stream);
            await("the good frame", () -> victimEvents.messages().size() == 1);
            assertThat(victimEvents.messages().get(0).from()).isEqualTo(LIAR);
            assertThat(victimEvents.messages().get(0).message()).isEqualTo(new Heartbeat(3));
            assertThat(victim.stats().malformedFrames()).isEqualTo(2);
            assertThat(victim.stats().openConnections()).isEqualTo(1);
        }
    }

    @Test
    void aSilentConnectionIsClosedAfterTheHelloTimeout() throws Exception {
        NioTransport strict = Loopback.start(TransportConfig.of("127.0.0.1", 0)
                .withConnectTimeout(java.time.Duration.ofMillis(100)), new RecordingListener());
        try (Socket s = new Socket("127.0.0.1", port(strict))) {
            s.setSoTimeout(5000);
            assertThat(readUntilClosed(s.getInputStream())).isTrue();
            await("counted", () -> strict.stats().malformedFrames() == 1 && strict.stats().openConnections() == 0);
        } finally {
            strict.close();
        }
    }

    @Test
    void aFrameSplitIntoSingleBytesStillArrives() throws Exception {
        byte[] stream = concat(hello(), toBytes(codec.encode(new Heartbeat(7))));
        try (Socket s = connect()) {
            s.setTcpNoDelay(true);
            for (byte b : stream) {
                s.getOutputStream().write(b);
                s.getOutputStream().flush();
            }
            await("the frame", () -> victimEvents.messages().size() == 1);
        }
    }

    @Test
    void aStreamWrittenInRandomPiecesWithFramesLargerThanTheReadBufferArrivesWhole() throws Exception {
        // The read loop stops at a read that did not fill its buffer and waits for the selector:
        // every piece below arrives after such a stop, and none may be left unread.
        long seed = Long.getLong("vsync.seed", System.nanoTime());
        System.out.println("randomPieces seed=" + seed + " (replay with -Dvsync.seed=" + seed + ")");
        Random random = new Random(seed);
        RecordingListener events = new RecordingListener();
        NioTransport small = Loopback.start(TransportConfig.of("127.0.0.1", 0).withBufferSizes(1024, 1024), events);
        try {
            MemberId sender = new MemberId(LIAR, 1);
            java.io.ByteArrayOutputStream stream = new java.io.ByteArrayOutputStream();
            stream.writeBytes(hello());
            int frames = 300;
            for (int i = 0; i < frames; i++) {
                byte[] payload = new byte[random.nextInt(4) == 0 ? 1024 + random.nextInt(8192) : random.nextInt(200)];
                random.nextBytes(payload);
                stream.writeBytes(toBytes(codec.encode(new Data("g", 1, sender, i + 1, i + 1, (byte) 0, true, payload))));
            }
            byte[] bytes = stream.toByteArray();
            try (Socket s = new Socket("127.0.0.1", port(small))) {
                s.setTcpNoDelay(true);
                for (int at = 0; at < bytes.length; ) {
                    int piece = Math.min(bytes.length - at, 1 + random.nextInt(3000));
                    s.getOutputStream().write(bytes, at, piece);
                    s.getOutputStream().flush();
                    at += piece;
                    if (random.nextInt(8) == 0) {
                        Thread.sleep(1); // let the loop drain the socket and go back to the selector
                    }
                }
                await("every frame", () -> events.messages().size() == frames);
            }
            for (int i = 0; i < frames; i++) {
                assertThat(((Data) events.messagesFrom(LIAR).get(i)).seq()).isEqualTo(i + 1);
            }
            assertThat(small.stats().malformedFrames()).isZero();
        } finally {
            small.close();
        }
    }

    private void assertClosedAndCounted(byte[] stream) throws Exception {
        long malformedBefore = victim.stats().malformedFrames();
        try (Socket s = connect()) {
            s.getOutputStream().write(stream);
            s.setSoTimeout(5000);
            assertThat(readUntilClosed(s.getInputStream())).as("victim closed the connection").isTrue();
        }
        await("counted", () -> victim.stats().malformedFrames() == malformedBefore + 1);
        assertStillServesOthers();
    }

    private void assertStillServesOthers() {
        int before = victimEvents.messagesFrom(honest.localAddress()).size();
        honest.send(victim.localAddress(), new Heartbeat(42));
        await("honest peer still served", () -> victimEvents.messagesFrom(honest.localAddress()).size() == before + 1);
    }

    private Socket connect() throws IOException {
        return new Socket("127.0.0.1", port(victim));
    }

    private static int port(Transport t) {
        String address = t.localAddress();
        return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
    }

    private static boolean readUntilClosed(InputStream in) throws IOException {
        try {
            return in.read() == -1;
        } catch (SocketException reset) {
            return true; // closed with unread data: a reset
        }
    }

    private byte[] hello() {
        return toBytes(codec.encode(new Hello(LIAR)));
    }

    private static byte[] toBytes(ByteBuffer frame) {
        byte[] bytes = new byte[frame.remaining()];
        frame.duplicate().get(bytes);
        return bytes;
    }

    private static ByteBuffer copy(ByteBuffer frame) {
        return ByteBuffer.wrap(toBytes(frame));
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
