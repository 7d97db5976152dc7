package io.vsync.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vsync.api.DeliveryKind;
import io.vsync.api.MemberId;
import io.vsync.message.Ack;
import io.vsync.message.CatchUp;
import io.vsync.message.Data;
import io.vsync.message.Heartbeat;
import io.vsync.message.MessageRef;
import io.vsync.message.OrderToken;
import io.vsync.message.ProtocolMessage;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class FrameCodecRoundTripTest {
    private final FrameCodec codec = new FrameCodec();

    @Test
    void theSizeExpectedForAcksAndTokensIsTheirExactSizeSoTheWriterNeverGrows() {
        List<MessageRef> refs = IntStream.range(0, 300).mapToObj(i -> new MessageRef(i % 3, i)).toList();
        for (ProtocolMessage m : List.of(new Ack("orders", 7, new long[] {1, 2, 3}, 9),
                new Ack("g", 1, new long[64], 0), new OrderToken("orders", 7, 4, refs),
                new OrderToken("orders", 7, 5, List.of()))) {
            int expected = FrameCodec.LENGTH_BYTES + FrameCodec.BODY_HEADER_BYTES + BodyEncoder.expectedBytes(m);
            assertThat(codec.encodeFrame(m).length()).as("%s", m.getClass().getSimpleName()).isEqualTo(expected);
        }
    }

    @Test
    void everyFrameTypeRoundTrips() throws Exception {
        for (ProtocolMessage m : SampleMessages.all()) {
            assertRoundTrips(m);
        }
    }

    @Test
    void everyProtocolRecordHasItsOwnTypeCode() {
        Set<Byte> types = new HashSet<>();
        for (ProtocolMessage m : SampleMessages.oneOfEach()) {
            types.add(codec.encode(m).get(7));
        }
        types.add(codec.encode(new Hello("127.0.0.1:1")).get(7));
        assertThat(types).hasSize(19);
        assertThat(io.vsync.message.GroupMessage.class.getPermittedSubclasses()).hasSize(17);
        assertThat(ProtocolMessage.class.getPermittedSubclasses()).hasSize(2); // Heartbeat + GroupMessage
    }

    @Test
    void randomMessagesRoundTrip() throws Exception {
        long seed = Long.getLong("vsync.seed", System.nanoTime());
        System.out.println("randomMessagesRoundTrip seed=" + seed + " (replay with -Dvsync.seed=" + seed + ")");
        Random rnd = new Random(seed);
        for (int i = 0; i < 5000; i++) {
            assertRoundTrips(SampleMessages.random(rnd));
        }
    }

    @Test
    void headerIsLengthMagicVersionType() {
        ByteBuffer frame = codec.encode(new Heartbeat(1));
        assertThat(frame.remaining()).isEqualTo(4 + 4 + 8);
        assertThat(frame.getInt(0)).isEqualTo(12);
        assertThat(frame.getShort(4)).isEqualTo((short) 0x5653);
        assertThat(frame.get(6)).isEqualTo((byte) 1);
        assertThat(frame.isReadOnly()).isTrue();
    }

    @Test
    void largestDataPayloadFitsAtTheCapWithLongestNames() throws Exception {
        Data data = new Data(SampleMessages.LONGEST_UNICODE, 1, SampleMessages.LONGEST, 1, 1,
                DeliveryKind.FIFO.code(), true, new byte[codec.maxDataPayload()]);
        ByteBuffer frame = codec.encode(data);
        assertThat(frame.getInt(0)).isEqualTo(codec.maxFrameLength());
        assertRoundTrips(data);
    }

    @Test
    void frameOverTheCapIsRefusedAtEncode() {
        Data data = new Data("g", 1, SampleMessages.A, 1, 1, DeliveryKind.FIFO.code(), true,
                new byte[codec.maxFrameLength()]);
        assertThatThrownBy(() -> codec.encode(data)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("frame cap");
    }

    @Test
    void stringOverTheWireLimitIsRefusedAtEncode() {
        assertThatThrownBy(() -> codec.encode(new CatchUp("x".repeat(256), 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("group name");
        assertThatThrownBy(() -> codec.encode(new io.vsync.message.JoinRequest("g", new MemberId("é".repeat(128), 1))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("member address");
    }

    @Test
    void helloRoundTripsAndIsNotAProtocolMessage() throws Exception {
        ByteBuffer frame = codec.encode(new Hello("127.0.0.1:7800"));
        ByteBuffer body = frame.duplicate().position(4);
        assertThat(codec.decodeHelloBody(body)).isEqualTo(new Hello("127.0.0.1:7800"));
        assertThatThrownBy(() -> codec.decodeBody(frame.duplicate().position(4)))
                .isInstanceOf(MalformedFrameException.class).hasMessageContaining("hello");
        assertThatThrownBy(() -> codec.decodeHelloBody(codec.encode(new Heartbeat(1)).position(4)))
                .isInstanceOf(MalformedFrameException.class).hasMessageContaining("expected a hello");
    }

    @Test
    void unknownVersionAndTypeAreMalformed() {
        ByteBuffer version2 = copy(codec.encode(new Heartbeat(1)));
        version2.put(6, (byte) 2);
        assertThatThrownBy(() -> codec.decode(version2)).isInstanceOf(MalformedFrameException.class)
                .hasMessageContaining("version 2");
        ByteBuffer type99 = copy(codec.encode(new Heartbeat(1)));
        type99.put(7, (byte) 99);
        assertThatThrownBy(() -> codec.decode(type99)).isInstanceOf(MalformedFrameException.class)
                .hasMessageContaining("unknown frame type 99");
    }

    @Test
    void invalidUtf8AndBlankAddressesAreMalformed() {
        ByteBuffer frame = copy(codec.encode(new CatchUp("ab", 1)));
        frame.put(9, (byte) 0xC3); // a lone lead byte
        assertThatThrownBy(() -> codec.decode(frame)).isInstanceOf(MalformedFrameException.class)
                .hasMessageContaining("UTF-8");
        ByteBuffer joiner = copy(codec.encode(new io.vsync.message.JoinRequest("g", new MemberId("x", 1))));
        joiner.put(11, (byte) ' ');
        assertThatThrownBy(() -> codec.decode(joiner)).isInstanceOf(MalformedFrameException.class)
                .hasMessageContaining("blank address");
    }

    @Test
    void decodedDataIsIndependentOfTheFrameBuffer() throws Exception {
        byte[] payload = {1, 2, 3};
        ByteBuffer frame = copy(codec.encode(new Data("g", 1, SampleMessages.A, 1, 1, (byte) 0, true, payload)));
        Data decoded = (Data) codec.decode(frame.duplicate());
        frame.put(frame.limit() - 1, (byte) 9);
        assertThat(decoded.payload()).containsExactly(1, 2, 3);
    }

    private void assertRoundTrips(ProtocolMessage m) throws MalformedFrameException {
        ByteBuffer frame = codec.encode(m);
        ProtocolMessage decoded = codec.decode(frame.duplicate());
        // Payload bytes compared apart: a field-by-field comparison of a 1 MiB array is slow.
        assertThat(decoded).usingRecursiveComparison().withStrictTypeChecking().ignoringFields("payload").isEqualTo(m);
        if (m instanceof Data data) {
            assertThat(Arrays.equals(((Data) decoded).payload(), data.payload())).isTrue();
        }
        // Canonical form: encoding what was decoded gives the same bytes.
        assertThat(codec.encode(decoded)).isEqualTo(frame);
        assertThat((Object) decoded.getClass()).isEqualTo(m.getClass());
        // The transport's form of the frame (payload by reference) is the same bytes.
        assertThat(ByteBuffer.wrap(codec.encodeFrame(m).toBytes())).isEqualTo(frame);
    }

    @Test
    void aStreamFrameCopiedOutInSmallPiecesIsTheEncodedFrame() {
        Data data = new Data("group", 3, SampleMessages.A, 7, 9, DeliveryKind.ORDERED.code(), true, new byte[1000]);
        Arrays.fill(data.payload(), (byte) 7);
        EncodedFrame frame = codec.encodeFrame(data);
        ByteBuffer whole = ByteBuffer.allocate(frame.length());
        int offset = 0;
        for (int piece = 1; offset < frame.length(); piece = piece % 97 + 13) {
            ByteBuffer out = ByteBuffer.allocateDirect(piece);
            offset = frame.copyTo(out, offset);
            whole.put(out.flip());
        }
        assertThat(whole.flip()).isEqualTo(codec.encode(data));
        assertThat(frame.length()).isEqualTo(codec.encode(data).remaining());
    }

    @Test
    void aStreamFrameOverTheCapOrWithAnOverlongNameIsRefusedAtEncode() {
        Data data = new Data("g", 1, SampleMessages.A, 1, 1, DeliveryKind.FIFO.code(), true,
                new byte[codec.maxFrameLength() - 40]);
        assertThatThrownBy(() -> codec.encodeFrame(data)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("frame cap");
        Data longName = new Data("x".repeat(256), 1, SampleMessages.A, 1, 1, DeliveryKind.FIFO.code(), true,
                new byte[1]);
        assertThatThrownBy(() -> codec.encodeFrame(longName)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("group name");
    }

    static ByteBuffer copy(ByteBuffer frame) {
        ByteBuffer copy = ByteBuffer.allocate(frame.remaining());
        copy.put(frame.duplicate()).flip();
        return copy;
    }
}
